-- One row per store and month: the efficiency layer's metrics (value and status) from fct_metric_values.
{{ store_month_scorecard(['efficiency']) }}
