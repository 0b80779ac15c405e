-- One row per calendar day of the data window, with the week and month it belongs to.
with

data_window as (
    select * from {{ ref('int_data_window') }}
),

-- A fixed, generous range keeps the spine free of run-time queries; the window trims it.
spine as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('2000-01-01' as date)",
        end_date="cast('2051-01-01' as date)"
    ) }}
),

final as (
    select
        cast(spine.date_day as date) as calendar_date,
        cast({{ dbt.date_trunc('week', 'spine.date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'spine.date_day') }} as date) as month_start
    from spine
    cross join data_window
    where spine.date_day >= data_window.first_data_date
        and spine.date_day <= data_window.as_of_date
)

select * from final
