-- The rules each raw vehicles row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('vehicles') }}
