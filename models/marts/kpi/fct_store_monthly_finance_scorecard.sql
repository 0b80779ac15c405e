-- One row per store and month: the finance layer's metrics (value and status) from fct_metric_values.
{{ store_month_scorecard(['finance']) }}
