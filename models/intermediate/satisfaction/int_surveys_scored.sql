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
        arrived_at,
        delivered_on,
        delivered_month,
        is_first_visit_at_store
    from {{ ref('int_work_orders_enriched') }}
),

stores as (
    select
        store_id,
        city,
        region
    from {{ ref('stg_reference__stores') }}
),

-- A customer's first visit at each grain, by arrival like int_work_orders_enriched's
-- is_first_visit_at_store: first_visit_satisfaction is computed afresh per grain.
first_visits as (
    select
        orders.work_order_id,
        orders.is_first_visit_at_store,
        row_number() over (
            partition by orders.customer_id, stores.city
            order by orders.arrived_at, orders.work_order_id
        ) = 1 as is_first_visit_in_city,
        row_number() over (
            partition by orders.customer_id, stores.region
            order by orders.arrived_at, orders.work_order_id
        ) = 1 as is_first_visit_in_region,
        row_number() over (
            partition by orders.customer_id
            order by orders.arrived_at, orders.work_order_id
        ) = 1 as is_first_visit_in_network
    from orders
    inner join stores
        on orders.store_id = stores.store_id
),

-- The experience tree is scored on complete answers only (all eight items), so that
-- experience_score = 3/8 process + 3/8 result + 2/8 environment holds for every aggregate.
complete_answers as (
    select *
    from surveys
    where score_attitude is not null
        and score_communication is not null
        and score_waiting is not null
        and score_repair_quality is not null
        and score_price is not null
        and score_resolution is not null
        and score_comfort is not null
        and score_cleanliness is not null
),

dimension_scores as (
    select
        survey_id,
        cast((score_attitude + score_communication + score_waiting) / 3.0 as decimal(18, 6)) as process_score,
        cast((score_repair_quality + score_price + score_resolution) / 3.0 as decimal(18, 6)) as result_score,
        cast((score_comfort + score_cleanliness) / 2.0 as decimal(18, 6)) as environment_score,
        cast((
            score_attitude + score_communication + score_waiting
            + score_repair_quality + score_price + score_resolution
            + score_comfort + score_cleanliness
        ) / 8.0 as decimal(18, 6)) as experience_score
    from complete_answers
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
        dimension_scores.process_score,
        dimension_scores.result_score,
        dimension_scores.environment_score,
        dimension_scores.experience_score,
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
    left join dimension_scores
        on surveys.survey_id = dimension_scores.survey_id
)

select * from final
