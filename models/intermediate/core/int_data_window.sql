-- One row: the first and the latest day with DMS activity. The latest day ("as of") decides which
-- forward-looking windows are still open (provisional values) and where partial periods end.
with

closed_orders as (
    select
        arrived_at,
        delivered_at
    from {{ ref('stg_dms__work_orders') }}
    where is_closed
),

final as (
    select
        cast(min(arrived_at) as date) as first_data_date,
        cast(max(delivered_at) as date) as as_of_date
    from closed_orders
)

select * from final
