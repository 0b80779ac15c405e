-- The rules each raw customers row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('customers') }}
