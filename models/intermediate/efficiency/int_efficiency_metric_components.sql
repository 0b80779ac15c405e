-- One row per efficiency metric, entity and period: numerator, denominator and sample size.
-- Stores per day (rolled up to week and month downstream); advisors and technicians per month.
-- Periods: orders by delivery date, bay hours by the day work started, time clock by work date.
{% set order_flow_metrics = [
    {'metric_id': 'entries', 'numerator': 'entries', 'denominator': none, 'sample_size': 'entries'},
    {'metric_id': 'appointment_rate', 'numerator': 'appointments', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'online_booking_share', 'numerator': 'online_bookings', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'avg_reception_wait_minutes', 'numerator': 'reception_wait_minutes', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'avg_reception_minutes', 'numerator': 'reception_minutes', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'avg_wait_to_service_hours', 'numerator': 'wait_to_service_hours', 'denominator': 'entries', 'sample_size': 'entries'},
] -%}
{%- set capacity_metrics = [
    {'metric_id': 'bay_utilization', 'numerator': 'bay_hours_used', 'denominator': 'bay_hours_available', 'sample_size': 'bay_hours_available'},
    {'metric_id': 'entries_per_bay_day', 'numerator': 'entries', 'denominator': 'service_bays', 'sample_size': 'service_bays'},
] -%}
{%- set labor_metrics = [
    {'metric_id': 'labor_utilization', 'numerator': 'clocked_hours', 'denominator': 'available_hours', 'sample_size': 'available_hours'},
    {'metric_id': 'technician_efficiency', 'numerator': 'sold_hours', 'denominator': 'clocked_hours', 'sample_size': 'clocked_hours'},
] -%}
with

orders as (
    select * from {{ ref('int_work_orders_enriched') }}
),

store_days as (
    select * from {{ ref('int_store_days') }}
),

time_clock as (
    select
        employee_id,
        store_id,
        work_date,
        cast({{ dbt.date_trunc('month', 'work_date') }} as date) as work_month,
        available_hours,
        clocked_hours
    from {{ ref('stg_dms__technician_time') }}
),

order_flow_by_store_day as (
    select
        store_id,
        delivered_on as calendar_date,
{{ work_order_totals() }}
    from orders
    group by store_id, delivered_on
),

bay_use_by_store_day as (
    select
        store_id,
        work_started_on as calendar_date,
        sum(bay_hours) as bay_hours_used
    from orders
    group by store_id, work_started_on
),

time_clock_by_store_day as (
    select
        store_id,
        work_date as calendar_date,
        sum(available_hours) as available_hours,
        sum(clocked_hours) as clocked_hours
    from time_clock
    group by store_id, work_date
),

store_day_facts as (
    select
        store_days.store_id,
        store_days.calendar_date,
        store_days.service_bays,
        store_days.bay_hours_available,
        coalesce(order_flow_by_store_day.entries, 0) as entries,
        coalesce(order_flow_by_store_day.appointments, 0) as appointments,
        coalesce(order_flow_by_store_day.online_bookings, 0) as online_bookings,
        coalesce(order_flow_by_store_day.reception_wait_minutes, 0) as reception_wait_minutes,
        coalesce(order_flow_by_store_day.reception_minutes, 0) as reception_minutes,
        coalesce(order_flow_by_store_day.wait_to_service_hours, 0) as wait_to_service_hours,
        coalesce(order_flow_by_store_day.sold_hours, 0) as sold_hours,
        coalesce(bay_use_by_store_day.bay_hours_used, 0) as bay_hours_used,
        coalesce(time_clock_by_store_day.available_hours, 0) as available_hours,
        coalesce(time_clock_by_store_day.clocked_hours, 0) as clocked_hours
    from store_days
    left join order_flow_by_store_day
        on store_days.store_id = order_flow_by_store_day.store_id
        and store_days.calendar_date = order_flow_by_store_day.calendar_date
    left join bay_use_by_store_day
        on store_days.store_id = bay_use_by_store_day.store_id
        and store_days.calendar_date = bay_use_by_store_day.calendar_date
    left join time_clock_by_store_day
        on store_days.store_id = time_clock_by_store_day.store_id
        and store_days.calendar_date = time_clock_by_store_day.calendar_date
),

advisor_month_facts as (
    select
        advisor_id,
        delivered_month as period_start,
{{ work_order_totals() }}
    from orders
    group by advisor_id, delivered_month
),

sold_hours_by_technician_month as (
    select
        technician_id,
        delivered_month as period_start,
        sum(sold_hours) as sold_hours
    from orders
    group by technician_id, delivered_month
),

time_clock_by_technician_month as (
    select
        employee_id as technician_id,
        work_month as period_start,
        sum(available_hours) as available_hours,
        sum(clocked_hours) as clocked_hours
    from time_clock
    group by employee_id, work_month
),

technician_month_facts as (
    select
        time_clock_by_technician_month.technician_id,
        time_clock_by_technician_month.period_start,
        time_clock_by_technician_month.available_hours,
        time_clock_by_technician_month.clocked_hours,
        coalesce(sold_hours_by_technician_month.sold_hours, 0) as sold_hours
    from time_clock_by_technician_month
    left join sold_hours_by_technician_month
        on time_clock_by_technician_month.technician_id = sold_hours_by_technician_month.technician_id
        and time_clock_by_technician_month.period_start = sold_hours_by_technician_month.period_start
),

final as (
    {{ metric_components('store_day_facts', "'store'", 'store_id', 'day', 'calendar_date',
                         order_flow_metrics + capacity_metrics + labor_metrics) }}
    union all
    {{ metric_components('advisor_month_facts', "'advisor'", 'advisor_id', 'month', 'period_start',
                         order_flow_metrics) }}
    union all
    {{ metric_components('technician_month_facts', "'technician'", 'technician_id', 'month', 'period_start',
                         labor_metrics) }}
)

select * from final
