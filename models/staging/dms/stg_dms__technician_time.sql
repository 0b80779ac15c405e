with

valid_rows as (
    {{ valid_raw_rows('technician_time') }}
),

final as (
    select
        employee_id,
        store_id,
        work_date,
        available_hours,
        clocked_hours
    from valid_rows
)

select * from final
