-- The rules each raw work_order_lines row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('work_order_lines') }}
