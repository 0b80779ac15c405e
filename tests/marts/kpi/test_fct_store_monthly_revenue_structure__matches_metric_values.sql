-- The revenue-structure mart and the BI contract agree on revenue and entries for every
-- store-month: two marts never show two numbers for one metric.
with

structure as (
    select store_id, month_start, revenue, entries
    from {{ ref('fct_store_monthly_revenue_structure') }}
),

metric_values as (
    select
        entity_id as store_id,
        period_start as month_start,
        max(case when metric_id = 'revenue' then value end) as revenue,
        max(case when metric_id = 'entries' then value end) as entries
    from {{ ref('fct_metric_values') }}
    where entity_type = 'store' and period_type = 'month' and metric_id in ('revenue', 'entries')
    group by entity_id, period_start
)

select
    structure.store_id,
    structure.month_start,
    structure.revenue,
    metric_values.revenue as metric_revenue,
    structure.entries,
    metric_values.entries as metric_entries
from structure
left join metric_values
    on structure.store_id = metric_values.store_id
    and structure.month_start = metric_values.month_start
where abs(structure.revenue - coalesce(metric_values.revenue, 0)) > 0.005
    or structure.entries <> coalesce(metric_values.entries, 0)
