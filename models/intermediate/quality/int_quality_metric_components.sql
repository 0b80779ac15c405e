-- One row per quality metric, entity and period: numerator, denominator and sample size.
-- diagnosis_accuracy's numerator counts the originals that came back for misdiagnosis; the
-- dictionary's multiplier −1 and offset +1 make its value 1 − misdiagnosed ÷ originals.
-- Comeback metrics per store and month (an original belongs to the month it was delivered, its
-- comeback may arrive up to 30 days later: provisional while that window is open); delivery and
-- parts metrics per store and day. Technicians (the original's lead technician) and advisors
-- per month.
{% set first_time_fix_metrics = [
    {'metric_id': 'ftfr', 'numerator': 'originals - originals_with_comeback', 'denominator': 'originals', 'sample_size': 'originals'},
    {'metric_id': 'diagnosis_accuracy', 'numerator': 'originals_back_for_misdiagnosis', 'denominator': 'originals', 'sample_size': 'originals'},
] -%}
{%- set comeback_metrics = [
    {'metric_id': 'comeback_rate', 'numerator': 'comebacks', 'denominator': 'repair_orders', 'sample_size': 'repair_orders'},
    {'metric_id': 'comeback_flag_accuracy', 'numerator': 'flagged_comebacks', 'denominator': 'comebacks', 'sample_size': 'comebacks'},
] -%}
{%- set delivery_metrics = [
    {'metric_id': 'on_time_delivery_rate', 'numerator': 'delivered_on_time', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'parts_availability', 'numerator': 'part_lines_in_stock', 'denominator': 'part_lines', 'sample_size': 'part_lines'},
] -%}
with

repair_orders as (
    select * from {{ ref('int_repair_orders_outcomes') }}
),

orders as (
    select * from {{ ref('int_work_orders_enriched') }}
),

store_months as (
    select
        store_id,
        month_start
    from {{ ref('int_store_months') }}
),

store_days as (
    select
        store_id,
        calendar_date
    from {{ ref('int_store_days') }}
),

repair_facts_by_store_month as (
    select
        store_id,
        delivered_month as period_start,
        sum(case when is_original then 1 else 0 end) as originals,
        sum(case when is_original and has_comeback then 1 else 0 end) as originals_with_comeback,
        sum(case when is_original and comeback_reason = 'misdiagnosis' then 1 else 0 end)
            as originals_back_for_misdiagnosis,
        count(*) as repair_orders,
        sum(case when is_comeback then 1 else 0 end) as comebacks,
        sum(case when is_comeback and is_comeback_flagged then 1 else 0 end) as flagged_comebacks
    from repair_orders
    group by store_id, delivered_month
),

store_month_facts as (
    select
        store_months.store_id,
        store_months.month_start as period_start,
        coalesce(repair_facts_by_store_month.originals, 0) as originals,
        coalesce(repair_facts_by_store_month.originals_with_comeback, 0) as originals_with_comeback,
        coalesce(repair_facts_by_store_month.originals_back_for_misdiagnosis, 0)
            as originals_back_for_misdiagnosis,
        coalesce(repair_facts_by_store_month.repair_orders, 0) as repair_orders,
        coalesce(repair_facts_by_store_month.comebacks, 0) as comebacks,
        coalesce(repair_facts_by_store_month.flagged_comebacks, 0) as flagged_comebacks
    from store_months
    left join repair_facts_by_store_month
        on store_months.store_id = repair_facts_by_store_month.store_id
        and store_months.month_start = repair_facts_by_store_month.period_start
),

delivery_facts_by_store_day as (
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
        coalesce(delivery_facts_by_store_day.entries, 0) as entries,
        coalesce(delivery_facts_by_store_day.delivered_on_time, 0) as delivered_on_time,
        coalesce(delivery_facts_by_store_day.part_lines, 0) as part_lines,
        coalesce(delivery_facts_by_store_day.part_lines_in_stock, 0) as part_lines_in_stock
    from store_days
    left join delivery_facts_by_store_day
        on store_days.store_id = delivery_facts_by_store_day.store_id
        and store_days.calendar_date = delivery_facts_by_store_day.calendar_date
),

technician_month_facts as (
    select
        technician_id,
        delivered_month as period_start,
        sum(case when is_original then 1 else 0 end) as originals,
        sum(case when is_original and has_comeback then 1 else 0 end) as originals_with_comeback,
        sum(case when is_original and comeback_reason = 'misdiagnosis' then 1 else 0 end)
            as originals_back_for_misdiagnosis
    from repair_orders
    group by technician_id, delivered_month
),

advisor_comeback_facts as (
    select
        advisor_id,
        delivered_month as period_start,
        count(*) as repair_orders,
        sum(case when is_comeback then 1 else 0 end) as comebacks,
        sum(case when is_comeback and is_comeback_flagged then 1 else 0 end) as flagged_comebacks
    from repair_orders
    group by advisor_id, delivered_month
),

advisor_delivery_facts as (
    select
        advisor_id,
        delivered_month as period_start,
{{ work_order_totals() }}
    from orders
    group by advisor_id, delivered_month
),

final as (
    {{ metric_components('store_month_facts', "'store'", 'store_id', 'month', 'period_start',
                         first_time_fix_metrics + comeback_metrics) }}
    union all
    {{ metric_components('store_day_facts', "'store'", 'store_id', 'day', 'calendar_date',
                         delivery_metrics) }}
    union all
    {{ metric_components('technician_month_facts', "'technician'", 'technician_id', 'month', 'period_start',
                         first_time_fix_metrics) }}
    union all
    {{ metric_components('advisor_comeback_facts', "'advisor'", 'advisor_id', 'month', 'period_start',
                         comeback_metrics | selectattr('metric_id', 'equalto', 'comeback_flag_accuracy') | list) }}
    union all
    {{ metric_components('advisor_delivery_facts', "'advisor'", 'advisor_id', 'month', 'period_start',
                         delivery_metrics | selectattr('metric_id', 'equalto', 'on_time_delivery_rate') | list) }}
)

select * from final
