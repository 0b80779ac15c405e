-- The rules each raw stores row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('stores') }}
