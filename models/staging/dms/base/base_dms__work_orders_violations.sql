-- The rules each raw work_orders row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('work_orders') }}
