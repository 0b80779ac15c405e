-- One row per store and month (orders by delivery date): revenue split every MECE way the
-- dashboards need (category, payer, line type, new vs returning customers), direct cost and
-- gross profit, and the ledger's revenue beside the DMS's.
with

orders as (
    select * from {{ ref('int_work_orders_enriched') }}
),

store_months as (
    select * from {{ ref('int_store_months') }}
),

ledger_months as (
    select * from {{ ref('int_ledger_store_months') }}
),

order_totals as (
    select
        store_id,
        delivered_month as month_start,
        count(*) as entries,
        sum(case when is_first_visit_at_store then 1 else 0 end) as new_customer_entries,
        sum(case when is_first_visit_at_store then 0 else 1 end) as returning_customer_entries,
        sum(revenue) as revenue,
        sum(revenue_repair) as revenue_repair,
        sum(revenue_maintenance) as revenue_maintenance,
        sum(revenue_accessory_value_added) as revenue_accessory_value_added,
        {%- for payer in ['customer', 'warranty', 'insurance', 'internal'] %}
        sum(case when payer = '{{ payer }}' then revenue else 0 end) as revenue_{{ payer }}_paid,
        {%- endfor %}
        sum(parts_revenue) as revenue_parts,
        sum(labor_revenue) as revenue_labor,
        sum(accessory_revenue) as revenue_accessory_lines,
        sum(case when is_first_visit_at_store then revenue else 0 end) as revenue_new_customers,
        sum(case when is_first_visit_at_store then 0 else revenue end) as revenue_returning_customers,
        sum(direct_cost) as direct_cost,
        sum(parts_cost) as direct_cost_parts,
        sum(labor_cost) as direct_cost_labor,
        sum(accessory_cost) as direct_cost_accessory_lines
    from orders
    group by store_id, delivered_month
),

final as (
    select
        store_months.store_id,
        store_months.month_start,
        store_months.region,
        store_months.city,
        store_months.maturity_tier,
        cast(coalesce(order_totals.entries, 0) as {{ dbt.type_bigint() }}) as entries,
        cast(coalesce(order_totals.new_customer_entries, 0) as {{ dbt.type_bigint() }}) as new_customer_entries,
        cast(coalesce(order_totals.returning_customer_entries, 0) as {{ dbt.type_bigint() }}) as returning_customer_entries,
        cast(coalesce(order_totals.revenue, 0) as decimal(18, 2)) as revenue,
        cast(coalesce(order_totals.revenue_repair, 0) as decimal(18, 2)) as revenue_repair,
        cast(coalesce(order_totals.revenue_maintenance, 0) as decimal(18, 2)) as revenue_maintenance,
        cast(coalesce(order_totals.revenue_accessory_value_added, 0) as decimal(18, 2)) as revenue_accessory_value_added,
        {%- for payer in ['customer', 'warranty', 'insurance', 'internal'] %}
        cast(coalesce(order_totals.revenue_{{ payer }}_paid, 0) as decimal(18, 2)) as revenue_{{ payer }}_paid,
        {%- endfor %}
        cast(coalesce(order_totals.revenue_parts, 0) as decimal(18, 2)) as revenue_parts,
        cast(coalesce(order_totals.revenue_labor, 0) as decimal(18, 2)) as revenue_labor,
        cast(coalesce(order_totals.revenue_accessory_lines, 0) as decimal(18, 2)) as revenue_accessory_lines,
        cast(coalesce(order_totals.revenue_new_customers, 0) as decimal(18, 2)) as revenue_new_customers,
        cast(coalesce(order_totals.revenue_returning_customers, 0) as decimal(18, 2)) as revenue_returning_customers,
        cast(coalesce(order_totals.revenue, 0) / nullif(order_totals.entries, 0) as {{ type_double() }}) as atv,
        cast(coalesce(order_totals.direct_cost, 0) as decimal(18, 2)) as direct_cost,
        cast(coalesce(order_totals.direct_cost_parts, 0) as decimal(18, 2)) as direct_cost_parts,
        cast(coalesce(order_totals.direct_cost_labor, 0) as decimal(18, 2)) as direct_cost_labor,
        cast(coalesce(order_totals.direct_cost_accessory_lines, 0) as decimal(18, 2)) as direct_cost_accessory_lines,
        cast(coalesce(order_totals.revenue, 0) - coalesce(order_totals.direct_cost, 0) as decimal(18, 2)) as gross_profit,
        cast(ledger_months.ledger_revenue as decimal(18, 2)) as ledger_revenue,
        cast(ledger_months.direct_cost as decimal(18, 2)) as ledger_direct_cost,
        cast(ledger_months.variable_expense as decimal(18, 2)) as ledger_variable_expense,
        cast(ledger_months.fixed_expense as decimal(18, 2)) as ledger_fixed_expense,
        cast(ledger_months.gross_profit as decimal(18, 2)) as ledger_gross_profit,
        cast(ledger_months.net_profit as decimal(18, 2)) as ledger_net_profit
    from store_months
    left join order_totals
        on store_months.store_id = order_totals.store_id
        and store_months.month_start = order_totals.month_start
    left join ledger_months
        on store_months.store_id = ledger_months.store_id
        and store_months.month_start = ledger_months.period_month
)

select * from final
