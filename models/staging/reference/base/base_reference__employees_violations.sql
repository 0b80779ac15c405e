-- The rules each raw employees row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('employees') }}
