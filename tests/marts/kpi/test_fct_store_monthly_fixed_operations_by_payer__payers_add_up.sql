-- The payer split is MECE: per store-month, entries, sold hours and labor revenue summed over the
-- four payers equal the BI contract's components of entries, hours_per_ro (sold hours) and
-- effective_labor_rate (labor revenue).
with

by_payer as (
    select
        store_id,
        month_start,
        sum(entries) as entries,
        sum(sold_hours) as sold_hours,
        sum(labor_revenue) as labor_revenue
    from {{ ref('fct_store_monthly_fixed_operations_by_payer') }}
    group by store_id, month_start
),

metric_values as (
    select
        entity_id as store_id,
        period_start as month_start,
        max(case when metric_id = 'entries' then value end) as entries,
        max(case when metric_id = 'hours_per_ro' then numerator end) as sold_hours,
        max(case when metric_id = 'effective_labor_rate' then numerator end) as labor_revenue
    from {{ ref('fct_metric_values') }}
    where entity_type = 'store' and period_type = 'month'
        and metric_id in ('entries', 'hours_per_ro', 'effective_labor_rate')
    group by entity_id, period_start
)

select by_payer.*, metric_values.entries as metric_entries
from by_payer
left join metric_values
    on by_payer.store_id = metric_values.store_id
    and by_payer.month_start = metric_values.month_start
where by_payer.entries <> coalesce(metric_values.entries, 0)
    or abs(by_payer.sold_hours - coalesce(metric_values.sold_hours, 0)) > 0.005
    or abs(by_payer.labor_revenue - coalesce(metric_values.labor_revenue, 0)) > 0.005
