with

valid_rows as (
    {{ valid_raw_rows('vehicles') }}
),

final as (
    select
        vin,
        customer_id,
        model as vehicle_model,
        selling_store_id,
        delivered_on,
        warranty_end_on,
        aftersales_intro_done as is_aftersales_intro_done
    from valid_rows
)

select * from final
