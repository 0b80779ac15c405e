-- One row per finance or fixed-operations metric, entity and period: numerator, denominator and
-- sample size. DMS revenue (orders by delivery date) per store and day for revenue and ATV,
-- everything else per store and month; the ledger per store and ledger month; advisors and
-- technicians per month where the metric means something for them.
{% set daily_revenue_metrics = [
    {'metric_id': 'revenue', 'numerator': 'revenue', 'denominator': none, 'sample_size': 'entries'},
    {'metric_id': 'atv', 'numerator': 'revenue', 'denominator': 'entries', 'sample_size': 'entries'},
] -%}
{%- set dms_margin_metrics = [
    {'metric_id': 'revenue_share_repair', 'numerator': 'revenue_repair', 'denominator': 'revenue', 'sample_size': 'entries'},
    {'metric_id': 'revenue_share_maintenance', 'numerator': 'revenue_maintenance', 'denominator': 'revenue', 'sample_size': 'entries'},
    {'metric_id': 'revenue_share_accessory', 'numerator': 'revenue_accessory_value_added', 'denominator': 'revenue', 'sample_size': 'entries'},
    {'metric_id': 'gross_margin', 'numerator': 'revenue - direct_cost', 'denominator': 'revenue', 'sample_size': 'entries'},
    {'metric_id': 'parts_gross_margin', 'numerator': 'parts_revenue - parts_cost', 'denominator': 'parts_revenue', 'sample_size': 'entries'},
    {'metric_id': 'labor_gross_margin', 'numerator': 'labor_revenue - labor_cost', 'denominator': 'labor_revenue', 'sample_size': 'entries'},
    {'metric_id': 'accessory_gross_margin', 'numerator': 'accessory_revenue - accessory_cost', 'denominator': 'accessory_revenue', 'sample_size': 'entries'},
] -%}
{%- set fixed_operations_metrics = [
    {'metric_id': 'hours_per_ro', 'numerator': 'sold_hours', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'effective_labor_rate', 'numerator': 'labor_revenue', 'denominator': 'sold_hours', 'sample_size': 'entries'},
    {'metric_id': 'customer_pay_hours_mix', 'numerator': 'customer_paid_sold_hours', 'denominator': 'sold_hours', 'sample_size': 'entries'},
    {'metric_id': 'parts_to_labor_ratio', 'numerator': 'parts_revenue', 'denominator': 'labor_revenue', 'sample_size': 'entries'},
] -%}
{%- set store_size_metrics = [
    {'metric_id': 'revenue_per_sqm', 'numerator': 'revenue', 'denominator': 'floor_area_sqm', 'sample_size': 'entries'},
    {'metric_id': 'technician_proficiency', 'numerator': 'sold_hours', 'denominator': 'available_hours', 'sample_size': 'available_hours'},
] -%}
{%- set growth_metrics = [
    {'metric_id': 'revenue_yoy_growth', 'numerator': 'revenue', 'denominator': 'revenue_same_month_last_year', 'sample_size': 'entries'},
] -%}
{%- set ledger_metrics = [
    {'metric_id': 'net_margin', 'numerator': 'net_profit', 'denominator': 'ledger_revenue', 'sample_size': 'entries'},
    {'metric_id': 'variable_cost_ratio', 'numerator': 'variable_expense', 'denominator': 'ledger_revenue', 'sample_size': 'entries'},
    {'metric_id': 'rework_cost_ratio', 'numerator': 'rework_expense', 'denominator': 'ledger_revenue', 'sample_size': 'entries'},
    {'metric_id': 'fixed_cost_ratio', 'numerator': 'fixed_expense', 'denominator': 'ledger_revenue', 'sample_size': 'entries'},
    {'metric_id': 'service_absorption_rate', 'numerator': 'gross_profit', 'denominator': 'fixed_expense', 'sample_size': 'entries'},
    {'metric_id': 'finance_dms_gap', 'numerator': 'ledger_revenue', 'denominator': 'revenue', 'sample_size': 'entries'},
    {'metric_id': 'inventory_turnover', 'numerator': '12 * parts_cost', 'denominator': 'mean_parts_inventory_value', 'sample_size': 'entries'},
] -%}
with

orders as (
    select * from {{ ref('int_work_orders_enriched') }}
),

store_days as (
    select
        store_id,
        calendar_date
    from {{ ref('int_store_days') }}
),

store_months as (
    select * from {{ ref('int_store_months') }}
),

ledger_months as (
    select * from {{ ref('int_ledger_store_months') }}
),

time_clock as (
    select
        employee_id,
        store_id,
        cast({{ dbt.date_trunc('month', 'work_date') }} as date) as work_month,
        available_hours
    from {{ ref('stg_dms__technician_time') }}
),

revenue_by_store_day as (
    select
        store_id,
        delivered_on as calendar_date,
{{ work_order_totals() }}
    from orders
    group by store_id, delivered_on
),

store_day_facts as (
    select
        store_days.store_id,
        store_days.calendar_date,
        coalesce(revenue_by_store_day.entries, 0) as entries,
        coalesce(revenue_by_store_day.revenue, 0) as revenue
    from store_days
    left join revenue_by_store_day
        on store_days.store_id = revenue_by_store_day.store_id
        and store_days.calendar_date = revenue_by_store_day.calendar_date
),

money_by_store_month as (
    select store_id, delivered_month as period_start, {{ work_order_totals() }}
    from orders
    group by store_id, delivered_month
),

available_hours_by_store_month as (
    select store_id, work_month as period_start, sum(available_hours) as available_hours
    from time_clock
    group by store_id, work_month
),

store_month_facts as (
    select
        store_months.store_id,
        store_months.month_start as period_start,
        store_months.floor_area_sqm,
        coalesce(money_by_store_month.entries, 0) as entries,
        coalesce(money_by_store_month.revenue, 0) as revenue,
        coalesce(money_by_store_month.revenue_repair, 0) as revenue_repair,
        coalesce(money_by_store_month.revenue_maintenance, 0) as revenue_maintenance,
        coalesce(money_by_store_month.revenue_accessory_value_added, 0) as revenue_accessory_value_added,
        coalesce(money_by_store_month.direct_cost, 0) as direct_cost,
        coalesce(money_by_store_month.parts_revenue, 0) as parts_revenue,
        coalesce(money_by_store_month.parts_cost, 0) as parts_cost,
        coalesce(money_by_store_month.labor_revenue, 0) as labor_revenue,
        coalesce(money_by_store_month.labor_cost, 0) as labor_cost,
        coalesce(money_by_store_month.accessory_revenue, 0) as accessory_revenue,
        coalesce(money_by_store_month.accessory_cost, 0) as accessory_cost,
        coalesce(money_by_store_month.sold_hours, 0) as sold_hours,
        coalesce(money_by_store_month.customer_paid_sold_hours, 0) as customer_paid_sold_hours,
        coalesce(available_hours_by_store_month.available_hours, 0) as available_hours
    from store_months
    left join money_by_store_month
        on store_months.store_id = money_by_store_month.store_id
        and store_months.month_start = money_by_store_month.period_start
    left join available_hours_by_store_month
        on store_months.store_id = available_hours_by_store_month.store_id
        and store_months.month_start = available_hours_by_store_month.period_start
),

-- Same-store growth: numerator, denominator and sample are empty unless the store had revenue in
-- this month and in the same month a year before, so roll-ups compare the same stores.
store_growth_facts as (
    select
        this_year.store_id,
        this_year.period_start,
        case when last_year.revenue > 0 and this_year.revenue > 0 then this_year.entries else 0 end
            as entries,
        case when last_year.revenue > 0 and this_year.revenue > 0 then this_year.revenue end as revenue,
        case when last_year.revenue > 0 and this_year.revenue > 0 then last_year.revenue end
            as revenue_same_month_last_year
    from store_month_facts as this_year
    left join store_month_facts as last_year
        on this_year.store_id = last_year.store_id
        and last_year.period_start = cast({{ dbt.dateadd('month', -12, 'this_year.period_start') }} as date)
),

-- Every store-month gets a row; a month without ledger rows has empty ledger components (a
-- ledger month without DMS activity never reaches staging: rule no_dms_activity).
store_ledger_facts as (
    select
        store_month_facts.store_id,
        store_month_facts.period_start,
        store_month_facts.entries,
        store_month_facts.revenue,
        ledger_months.ledger_revenue,
        ledger_months.gross_profit,
        ledger_months.net_profit,
        ledger_months.variable_expense,
        ledger_months.rework_expense,
        ledger_months.fixed_expense,
        ledger_months.parts_cost,
        -- Mean of this and last month-end stock; the first month has only its own.
        case
            when ledger_months.previous_period_month
                = cast({{ dbt.dateadd('month', -1, 'ledger_months.period_month') }} as date)
                then (ledger_months.parts_inventory_value + ledger_months.previous_parts_inventory_value) / 2.0
            else ledger_months.parts_inventory_value
        end as mean_parts_inventory_value
    from store_month_facts
    left join ledger_months
        on store_month_facts.store_id = ledger_months.store_id
        and store_month_facts.period_start = ledger_months.period_month
),

advisor_month_facts as (
    select advisor_id, delivered_month as period_start, {{ work_order_totals() }}
    from orders
    group by advisor_id, delivered_month
),

sold_hours_by_technician_month as (
    select technician_id, delivered_month as period_start, {{ work_order_totals() }}
    from orders
    group by technician_id, delivered_month
),

available_hours_by_technician as (
    select employee_id as technician_id, work_month as period_start, sum(available_hours) as available_hours
    from time_clock
    group by employee_id, work_month
),

technician_month_facts as (
    select
        available_hours_by_technician.technician_id,
        available_hours_by_technician.period_start,
        available_hours_by_technician.available_hours,
        coalesce(sold_hours_by_technician_month.sold_hours, 0) as sold_hours
    from available_hours_by_technician
    left join sold_hours_by_technician_month
        on available_hours_by_technician.technician_id = sold_hours_by_technician_month.technician_id
        and available_hours_by_technician.period_start = sold_hours_by_technician_month.period_start
),

final as (
    {{ metric_components('store_day_facts', "'store'", 'store_id', 'day', 'calendar_date', daily_revenue_metrics) }}
    union all
    {{ metric_components('store_month_facts', "'store'", 'store_id', 'month', 'period_start',
                         dms_margin_metrics + fixed_operations_metrics + store_size_metrics) }}
    union all
    {{ metric_components('store_growth_facts', "'store'", 'store_id', 'month', 'period_start', growth_metrics) }}
    union all
    {{ metric_components('store_ledger_facts', "'store'", 'store_id', 'month', 'period_start', ledger_metrics) }}
    union all
    {{ metric_components('advisor_month_facts', "'advisor'", 'advisor_id', 'month', 'period_start',
                         daily_revenue_metrics + (dms_margin_metrics | selectattr('metric_id', 'equalto', 'gross_margin') | list)) }}
    union all
    {{ metric_components('technician_month_facts', "'technician'", 'technician_id', 'month', 'period_start',
                         store_size_metrics | selectattr('metric_id', 'equalto', 'technician_proficiency') | list) }}
)

select * from final
