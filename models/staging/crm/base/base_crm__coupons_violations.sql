-- The rules each raw coupons row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('coupons') }}
