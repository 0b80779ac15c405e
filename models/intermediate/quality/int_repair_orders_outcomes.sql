-- One row per closed repair or accident order: whether it is itself a comeback, whether it is
-- an original that came back (and why), and the attributes comebacks are drilled down by.
with

repair_orders as (
    select * from {{ ref('int_work_orders_enriched') }}
    where is_repair_or_accident
),

comebacks as (
    select * from {{ ref('int_comebacks_linked') }}
),

data_window as (
    select * from {{ ref('int_data_window') }}
),

-- An original may (rarely) come back twice; its first comeback gives the reason.
first_comeback_per_original as (
    select
        original_work_order_id,
        comeback_work_order_id,
        comeback_reason
    from (
        select
            comebacks.*,
            row_number() over (
                partition by original_work_order_id
                order by days_after_delivery, comeback_work_order_id
            ) as comeback_rank
        from comebacks
    ) as ranked_comebacks
    where comeback_rank = 1
),

final as (
    select
        repair_orders.work_order_id,
        repair_orders.store_id,
        repair_orders.advisor_id,
        repair_orders.technician_id,
        repair_orders.technician_level,
        repair_orders.service_type,
        repair_orders.fault_system,
        repair_orders.main_supplier_id,
        repair_orders.payer,
        repair_orders.arrived_at,
        repair_orders.delivered_at,
        repair_orders.delivered_on,
        repair_orders.delivered_month,
        case
            when {{ day_of_week_iso('repair_orders.arrived_at') }} in (6, 7) then 'weekend'
            else 'weekday'
        end as arrival_day_type,
        repair_orders.is_comeback_flagged,
        as_comeback.original_work_order_id,
        as_comeback.comeback_work_order_id is not null as is_comeback,
        as_comeback.comeback_work_order_id is null as is_original,
        first_comeback.comeback_work_order_id is not null as has_comeback,
        first_comeback.comeback_work_order_id,
        first_comeback.comeback_reason,
        -- The 30-day comeback window of this order ends after the last day with data.
        {{ dbt.dateadd('day', 30, 'repair_orders.delivered_at') }}
            >= {{ dbt.dateadd('day', 1, 'cast(data_window.as_of_date as ' ~ dbt.type_timestamp() ~ ')') }}
            as is_comeback_window_open
    from repair_orders
    cross join data_window
    left join comebacks as as_comeback
        on repair_orders.work_order_id = as_comeback.comeback_work_order_id
    left join first_comeback_per_original as first_comeback
        on repair_orders.work_order_id = first_comeback.original_work_order_id
)

select * from final
