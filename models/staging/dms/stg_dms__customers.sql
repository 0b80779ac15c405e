-- full_name and phone are personal data: they stop at the base layer and never reach a mart.
with

valid_rows as (
    {{ valid_raw_rows('customers') }}
),

final as (
    select
        customer_id,
        created_on,
        acquisition_channel,
        referred_by_customer_id
    from valid_rows
)

select * from final
