-- The revenue tree holds for every entity and period (METRICS.md "Trees that must add up"):
-- the three category shares add up to 1, and revenue = entries × atv.
with

metric_values as (
    select * from {{ ref('fct_metric_values') }}
    where metric_id in (
        'revenue', 'entries', 'atv',
        'revenue_share_repair', 'revenue_share_maintenance', 'revenue_share_accessory'
    )
),

pivoted as (
    select
        entity_type,
        entity_id,
        period_type,
        period_start,
        max(case when metric_id = 'revenue' then value end) as revenue,
        max(case when metric_id = 'entries' then value end) as entries,
        max(case when metric_id = 'atv' then value end) as atv,
        sum(case when metric_id like 'revenue_share_%' then value end) as sum_of_shares,
        sum(case when metric_id like 'revenue_share_%' then 1 else 0 end) as shares
    from metric_values
    group by entity_type, entity_id, period_type, period_start
)

select *
from pivoted
where (shares > 0 and (shares <> 3 or abs(sum_of_shares - 1) > 1e-9))
    or (atv is not null and abs(revenue - entries * atv) > 0.01)
