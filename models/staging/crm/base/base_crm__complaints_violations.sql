-- The rules each raw complaints row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('complaints') }}
