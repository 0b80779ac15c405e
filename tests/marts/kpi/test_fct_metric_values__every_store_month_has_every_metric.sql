-- Every metric of the published layers has a row for every store-month the store was open
-- (value NULL and status insufficient_data when the month had no data for it), and every such
-- row of a metric with a default target carries that target: the board never has a hole.
with

store_months as (
    select store_id, month_start from {{ ref('int_store_months') }}
),

published_metrics as (
    select metric_id
    from {{ ref('metric_dictionary') }}
    where layer in ('{{ var("kpi_published_layers") | join("', '") }}')
),

metrics_with_default_target as (
    select distinct metric_id from {{ ref('metric_targets') }} where scope_type = 'default'
),

store_month_values as (
    select metric_id, entity_id as store_id, period_start as month_start, target
    from {{ ref('fct_metric_values') }}
    where entity_type = 'store' and period_type = 'month'
)

select
    published_metrics.metric_id,
    store_months.store_id,
    store_months.month_start,
    case
        when store_month_values.metric_id is null then 'no row'
        else 'no target'
    end as problem
from store_months
cross join published_metrics
left join store_month_values
    on published_metrics.metric_id = store_month_values.metric_id
    and store_months.store_id = store_month_values.store_id
    and store_months.month_start = store_month_values.month_start
left join metrics_with_default_target
    on published_metrics.metric_id = metrics_with_default_target.metric_id
where store_month_values.metric_id is null
    or (metrics_with_default_target.metric_id is not null and store_month_values.target is null)
