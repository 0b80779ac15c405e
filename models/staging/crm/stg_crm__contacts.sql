with

valid_rows as (
    {{ valid_raw_rows('contacts') }}
),

final as (
    select
        contact_id,
        customer_id,
        vin,
        store_id,
        contact_type,
        channel,
        planned_on,
        sent_at,
        sent_at is not null as is_sent,
        reached as is_reached,
        related_work_order_id
    from valid_rows
)

select * from final
