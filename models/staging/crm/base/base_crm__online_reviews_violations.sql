-- The rules each raw online_reviews row breaks (docs/data_quality_rules.md).
{{ raw_rule_violations('online_reviews') }}
