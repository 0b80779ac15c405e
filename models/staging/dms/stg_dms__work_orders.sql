with

valid_rows as (
    {{ valid_raw_rows('work_orders') }}
),

final as (
    select
        work_order_id,
        store_id,
        vin,
        customer_id,
        advisor_id,
        technician_id,
        service_type,
        fault_code,
        fault_system,
        booking_channel,
        arrived_at,
        reception_started_at,
        reception_ended_at,
        work_started_at,
        work_completed_at,
        promised_at,
        delivered_at,
        odometer_km,
        payer,
        is_comeback as is_comeback_flagged,
        comeback_of_work_order_id as flagged_original_work_order_id,
        comeback_reason as flagged_comeback_reason,
        status,
        status = 'closed' as is_closed
    from valid_rows
)

select * from final
