with

valid_rows as (
    {{ valid_raw_rows('employees') }}
),

final as (
    select
        employee_id,
        store_id,
        role,
        role = 'technician' as is_technician,
        role = 'service_advisor' as is_service_advisor,
        technician_level,
        hired_on,
        left_on
    from valid_rows
)

select * from final
