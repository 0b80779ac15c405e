-- One row per closed work order (cancelled orders never count): the order's period (its
-- delivery date), durations, money, hours and who handled it. The base of every order metric.
-- Durations are decimals, so that sums over any grain are exact and the same input always
-- gives the same marts (sums of doubles depend on the order the engine adds them in).
with

closed_orders as (
    select * from {{ ref('stg_dms__work_orders') }}
    where is_closed
),

line_totals as (
    select * from {{ ref('int_work_order_lines_summarised') }}
),

technicians as (
    select
        employee_id,
        technician_level
    from {{ ref('stg_reference__employees') }}
),

visit_sequence as (
    select
        work_order_id,
        row_number() over (
            partition by store_id, customer_id
            order by arrived_at, work_order_id
        ) as store_visit_number
    from closed_orders
),

final as (
    select
        closed_orders.work_order_id,
        closed_orders.store_id,
        closed_orders.customer_id,
        closed_orders.vin,
        closed_orders.advisor_id,
        closed_orders.technician_id,
        technicians.technician_level,
        closed_orders.service_type,
        closed_orders.service_type in ('repair', 'accident') as is_repair_or_accident,
        closed_orders.fault_code,
        closed_orders.fault_system,
        closed_orders.booking_channel,
        closed_orders.booking_channel in ('app', 'phone') as is_appointment,
        closed_orders.booking_channel = 'app' as is_online_booking,
        closed_orders.payer,
        closed_orders.is_comeback_flagged,
        closed_orders.flagged_original_work_order_id,
        closed_orders.flagged_comeback_reason,
        closed_orders.arrived_at,
        closed_orders.work_started_at,
        closed_orders.delivered_at,
        cast(closed_orders.delivered_at as date) as delivered_on,
        cast({{ dbt.date_trunc('month', 'closed_orders.delivered_at') }} as date) as delivered_month,
        cast(closed_orders.work_started_at as date) as work_started_on,
        cast({{ dbt.datediff('closed_orders.arrived_at', 'closed_orders.reception_started_at', 'second') }} / 60.0
            as decimal(18, 6)) as reception_wait_minutes,
        cast({{ dbt.datediff('closed_orders.reception_started_at', 'closed_orders.reception_ended_at', 'second') }} / 60.0
            as decimal(18, 6)) as reception_minutes,
        cast({{ dbt.datediff('closed_orders.arrived_at', 'closed_orders.work_started_at', 'second') }} / 3600.0
            as decimal(18, 6)) as wait_to_service_hours,
        cast({{ dbt.datediff('closed_orders.work_started_at', 'closed_orders.work_completed_at', 'second') }} / 3600.0
            as decimal(18, 6)) as bay_hours,
        closed_orders.delivered_at <= closed_orders.promised_at as is_delivered_on_time,
        visit_sequence.store_visit_number = 1 as is_first_visit_at_store,
        coalesce(line_totals.revenue, 0) as revenue,
        coalesce(line_totals.revenue_repair, 0) as revenue_repair,
        coalesce(line_totals.revenue_maintenance, 0) as revenue_maintenance,
        coalesce(line_totals.revenue_accessory_value_added, 0) as revenue_accessory_value_added,
        coalesce(line_totals.direct_cost, 0) as direct_cost,
        coalesce(line_totals.parts_revenue, 0) as parts_revenue,
        coalesce(line_totals.parts_cost, 0) as parts_cost,
        coalesce(line_totals.labor_revenue, 0) as labor_revenue,
        coalesce(line_totals.labor_cost, 0) as labor_cost,
        coalesce(line_totals.accessory_revenue, 0) as accessory_revenue,
        coalesce(line_totals.accessory_cost, 0) as accessory_cost,
        coalesce(line_totals.sold_hours, 0) as sold_hours,
        coalesce(line_totals.recommended_lines, 0) as recommended_lines,
        coalesce(line_totals.accepted_recommended_lines, 0) as accepted_recommended_lines,
        coalesce(line_totals.part_lines, 0) as part_lines,
        coalesce(line_totals.part_lines_in_stock, 0) as part_lines_in_stock,
        coalesce(line_totals.has_accepted_value_added, 0) = 1 as has_accepted_value_added,
        line_totals.main_supplier_id
    from closed_orders
    inner join visit_sequence
        on closed_orders.work_order_id = visit_sequence.work_order_id
    left join line_totals
        on closed_orders.work_order_id = line_totals.work_order_id
    left join technicians
        on closed_orders.technician_id = technicians.employee_id
)

select * from final
