-- One row per store, month (orders by delivery date) and payer (customer, warranty, insurance,
-- internal): the fixed-operations split the trade reports by payer. hours_per_ro and
-- effective_labor_rate here use the same components as the metrics of those ids in
-- fct_metric_values (sold hours of accepted lines, labor net amount, closed orders); the payers
-- add up to the store-month.
with

orders as (
    select * from {{ ref('int_work_orders_enriched') }}
),

store_months as (
    select * from {{ ref('int_store_months') }}
),

payers as (
    {%- for payer in ['customer', 'warranty', 'insurance', 'internal'] %}
    select '{{ payer }}' as payer
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

totals_by_payer as (
    select
        store_id,
        delivered_month as month_start,
        payer,
{{ work_order_totals() }}
    from orders
    group by store_id, delivered_month, payer
),

final as (
    select
        store_months.store_id,
        store_months.month_start,
        payers.payer,
        cast(coalesce(totals_by_payer.entries, 0) as {{ dbt.type_bigint() }}) as entries,
        cast(coalesce(totals_by_payer.sold_hours, 0) as decimal(18, 2)) as sold_hours,
        cast(coalesce(totals_by_payer.labor_revenue, 0) as decimal(18, 2)) as labor_revenue,
        cast(coalesce(totals_by_payer.parts_revenue, 0) as decimal(18, 2)) as parts_revenue,
        cast(coalesce(totals_by_payer.revenue, 0) as decimal(18, 2)) as revenue,
        cast(totals_by_payer.sold_hours / nullif(totals_by_payer.entries, 0) as {{ type_double() }})
            as hours_per_ro,
        cast(totals_by_payer.labor_revenue / nullif(totals_by_payer.sold_hours, 0) as {{ type_double() }})
            as effective_labor_rate
    from store_months
    cross join payers
    left join totals_by_payer
        on store_months.store_id = totals_by_payer.store_id
        and store_months.month_start = totals_by_payer.month_start
        and payers.payer = totals_by_payer.payer
)

select * from final
