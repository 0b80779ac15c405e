-- One row per store and month: the four causal layers side by side (efficiency → quality →
-- satisfaction → finance), plus fixed operations and people, from fct_metric_values.
{{ store_month_scorecard(['efficiency', 'quality', 'satisfaction', 'finance', 'fixed_operations', 'people']) }}
