-- One row per survey invitation on a closed work order, in the order's period (its delivery
-- date), with the NPS group and the experience tree: process (attitude, communication,
-- waiting), result (repair quality, price, resolution), environment (comfort, cleanliness).
with

surveys as (
    select * from {{ ref('stg_crm__surveys') }}
),

orders as (
    select
        work_order_id,
        store_id,
        advisor_id,
        technician_id,
        customer_id,
        delivered_at,
        delivered_on,
        delivered_month
    from {{ ref('int_work_orders_enriched') }}
),

stores as (
    select
        store_id,
        city,
        region
    from {{ ref('stg_reference__stores') }}
),

-- A customer's first visit at each grain: first_visit_satisfaction is computed afresh per grain.
first_visits as (
    select
        orders.work_order_id,
        row_number() over (
            partition by orders.customer_id, orders.store_id
            order by orders.delivered_at, orders.work_order_id
        ) = 1 as is_first_visit_at_store,
        row_number() over (
            partition by orders.customer_id, stores.city
            order by orders.delivered_at, orders.work_order_id
        ) = 1 as is_first_visit_in_city,
        row_number() over (
            partition by orders.customer_id, stores.region
            order by orders.delivered_at, orders.work_order_id
        ) = 1 as is_first_visit_in_region,
        row_number() over (
            partition by orders.customer_id
            order by orders.delivered_at, orders.work_order_id
        ) = 1 as is_first_visit_in_network
    from orders
    inner join stores
        on orders.store_id = stores.store_id
),

dimension_scores as (
    select
        survey_id,
        1.0 * (coalesce(score_attitude, 0) + coalesce(score_communication, 0) + coalesce(score_waiting, 0))
        / nullif(
            (case when score_attitude is null then 0 else 1 end)
            + (case when score_communication is null then 0 else 1 end)
            + (case when score_waiting is null then 0 else 1 end), 0
        ) as process_score,
        1.0 * (coalesce(score_repair_quality, 0) + coalesce(score_price, 0) + coalesce(score_resolution, 0))
        / nullif(
            (case when score_repair_quality is null then 0 else 1 end)
            + (case when score_price is null then 0 else 1 end)
            + (case when score_resolution is null then 0 else 1 end), 0
        ) as result_score,
        1.0 * (coalesce(score_comfort, 0) + coalesce(score_cleanliness, 0))
        / nullif(
            (case when score_comfort is null then 0 else 1 end)
            + (case when score_cleanliness is null then 0 else 1 end), 0
        ) as environment_score
    from surveys
),

final as (
    select
        surveys.survey_id,
        surveys.work_order_id,
        orders.store_id,
        stores.city,
        stores.region,
        orders.advisor_id,
        orders.technician_id,
        orders.customer_id,
        orders.delivered_on,
        orders.delivered_month,
        surveys.sent_at,
        surveys.responded_at,
        surveys.is_answered,
        surveys.nps_score,
        surveys.nps_score >= 9 as is_promoter,
        surveys.nps_score between 7 and 8 as is_passive,
        surveys.nps_score <= 6 as is_detractor,
        surveys.csi_score,
        surveys.score_attitude,
        cast(dimension_scores.process_score as {{ type_double() }}) as process_score,
        cast(dimension_scores.result_score as {{ type_double() }}) as result_score,
        cast(dimension_scores.environment_score as {{ type_double() }}) as environment_score,
        -- The mean of the eight items on complete answers = 3/8 process + 3/8 result +
        -- 2/8 environment, so the experience tree adds up (docs/metric_dictionary.md).
        cast(
            (
                surveys.score_attitude + surveys.score_communication + surveys.score_waiting
                + surveys.score_repair_quality + surveys.score_price + surveys.score_resolution
                + surveys.score_comfort + surveys.score_cleanliness
            ) / 8.0 as {{ type_double() }}
        ) as experience_score,
        first_visits.is_first_visit_at_store,
        first_visits.is_first_visit_in_city,
        first_visits.is_first_visit_in_region,
        first_visits.is_first_visit_in_network
    from surveys
    inner join orders
        on surveys.work_order_id = orders.work_order_id
    inner join stores
        on orders.store_id = stores.store_id
    inner join first_visits
        on surveys.work_order_id = first_visits.work_order_id
    inner join dimension_scores
        on surveys.survey_id = dimension_scores.survey_id
)

select * from final
