-- The rules each raw technician_time row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('technician_time') }}
