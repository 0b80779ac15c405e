-- The rules each raw surveys row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('surveys') }}
