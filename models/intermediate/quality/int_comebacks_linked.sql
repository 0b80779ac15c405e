-- One row per comeback found in the data: a closed repair or accident order for the same VIN and
-- fault code arriving after, and within 30 days of, the delivery of an earlier such order (the
-- original). When several earlier orders qualify, the most recently delivered one is the original.
with

repair_orders as (
    select
        work_order_id,
        store_id,
        vin,
        fault_code,
        advisor_id,
        arrived_at,
        delivered_at,
        is_comeback_flagged,
        flagged_original_work_order_id,
        flagged_comeback_reason
    from {{ ref('int_work_orders_enriched') }}
    where is_repair_or_accident
        and fault_code is not null
),

earlier_orders_within_window as (
    select
        comeback.work_order_id as comeback_work_order_id,
        original.work_order_id as original_work_order_id,
        original.store_id as original_store_id,
        comeback.store_id as comeback_store_id,
        comeback.advisor_id as comeback_advisor_id,
        {{ dbt.datediff('original.delivered_at', 'comeback.arrived_at', 'day') }} as days_after_delivery,
        comeback.is_comeback_flagged,
        comeback.flagged_original_work_order_id,
        comeback.flagged_comeback_reason,
        row_number() over (
            partition by comeback.work_order_id
            order by original.delivered_at desc, original.work_order_id desc
        ) as recency_rank
    from repair_orders as comeback
    inner join repair_orders as original
        on comeback.vin = original.vin
        and comeback.fault_code = original.fault_code
        and comeback.work_order_id <> original.work_order_id
        and comeback.arrived_at > original.delivered_at
        and comeback.arrived_at <= {{ dbt.dateadd('day', 30, 'original.delivered_at') }}
),

final as (
    select
        comeback_work_order_id,
        original_work_order_id,
        original_store_id,
        comeback_store_id,
        comeback_advisor_id,
        days_after_delivery,
        is_comeback_flagged,
        coalesce(flagged_original_work_order_id = original_work_order_id, false)
            as is_flag_linked_to_original,
        -- The reason is only known when the advisor flagged the comeback; otherwise it is
        -- 'unrecorded', so the reasons still split every comeback (MECE).
        case
            when is_comeback_flagged and flagged_comeback_reason is not null
                then flagged_comeback_reason
            else 'unrecorded'
        end as comeback_reason
    from earlier_orders_within_window
    where recency_rank = 1
)

select * from final
