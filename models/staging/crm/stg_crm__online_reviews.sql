with

valid_rows as (
    {{ valid_raw_rows('online_reviews') }}
),

final as (
    select
        review_id,
        store_id,
        platform,
        posted_at,
        rating,
        responded_at
    from valid_rows
)

select * from final
