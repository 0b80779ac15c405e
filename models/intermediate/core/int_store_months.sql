-- One row per store and calendar month in which the store was open within the data window:
-- store attributes, open days and the maturity tier as of the month.
with

stores as (
    select * from {{ ref('stg_reference__stores') }}
),

store_days as (
    select * from {{ ref('int_store_days') }}
),

days_per_month as (
    select
        store_id,
        month_start,
        count(*) as open_days,
        sum(bay_hours_available) as bay_hours_available
    from store_days
    group by store_id, month_start
),

with_age as (
    select
        days_per_month.store_id,
        days_per_month.month_start,
        days_per_month.open_days,
        days_per_month.bay_hours_available,
        stores.region,
        stores.city,
        stores.service_bays,
        stores.floor_area_sqm,
        stores.opened_on,
        -- Whole calendar months between the opening month and this month (docs/decisions.md D9).
        {{ dbt.datediff(
            dbt.date_trunc('month', 'stores.opened_on'),
            'days_per_month.month_start',
            'month'
        ) }} as months_open
    from days_per_month
    inner join stores
        on days_per_month.store_id = stores.store_id
),

final as (
    select
        store_id,
        month_start,
        region,
        city,
        service_bays,
        floor_area_sqm,
        opened_on,
        months_open,
        case
            when months_open < 6 then 'new'
            when months_open <= 18 then 'growth'
            else 'mature'
        end as maturity_tier,
        open_days,
        bay_hours_available
    from with_age
)

select * from final
