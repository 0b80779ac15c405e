-- One row per store and calendar day on which the store was open, within the data window:
-- the capacity base of daily efficiency metrics (bay hours available).
with

stores as (
    select * from {{ ref('stg_reference__stores') }}
),

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select
        stores.store_id,
        calendar_days.calendar_date,
        calendar_days.week_start,
        calendar_days.month_start,
        stores.service_bays,
        stores.daily_open_hours,
        stores.service_bays * stores.daily_open_hours as bay_hours_available
    from stores
    inner join calendar_days
        on calendar_days.calendar_date >= stores.opened_on
)

select * from final
