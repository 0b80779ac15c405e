with

valid_rows as (
    {{ valid_raw_rows('complaints') }}
),

final as (
    select
        complaint_id,
        customer_id,
        store_id,
        work_order_id,
        category,
        opened_at,
        first_response_at,
        resolved_at
    from valid_rows
)

select * from final
