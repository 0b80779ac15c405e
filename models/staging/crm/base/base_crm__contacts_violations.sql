-- The rules each raw contacts row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('contacts') }}
