with

valid_rows as (
    {{ valid_raw_rows('stores') }}
),

final as (
    select
        store_id,
        store_name,
        region,
        city,
        brand,
        opened_on,
        service_bays,
        floor_area_sqm,
        daily_open_hours
    from valid_rows
)

select * from final
