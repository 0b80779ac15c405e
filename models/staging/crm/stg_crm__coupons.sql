with

valid_rows as (
    {{ valid_raw_rows('coupons') }}
),

final as (
    select
        coupon_id,
        customer_id,
        store_id,
        campaign,
        issued_on,
        expires_on,
        face_value,
        redeemed_work_order_id,
        redeemed_work_order_id is not null as is_redeemed
    from valid_rows
)

select * from final
