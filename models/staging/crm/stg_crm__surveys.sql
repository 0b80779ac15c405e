with

valid_rows as (
    {{ valid_raw_rows('surveys') }}
),

final as (
    select
        survey_id,
        work_order_id,
        customer_id,
        store_id,
        sent_at,
        responded_at,
        responded_at is not null as is_answered,
        nps_score,
        csi_score,
        score_attitude,
        score_communication,
        score_waiting,
        score_repair_quality,
        score_price,
        score_resolution,
        score_comfort,
        score_cleanliness
    from valid_rows
)

select * from final
