-- One row per store and month for technician_attrition_rate: technicians who left in the 12
-- months ending with the month ÷ the mean of the 12 month-end technician headcounts. Counted
-- from hire and leave dates, so the window reaches back before the first month with orders.
{% set attrition_metrics = [
    {'metric_id': 'technician_attrition_rate', 'numerator': 'leavers_12m', 'denominator': 'mean_headcount_12m', 'sample_size': 'mean_headcount_12m'},
] -%}
with

store_months as (
    select
        store_id,
        month_start
    from {{ ref('int_store_months') }}
),

technicians as (
    select
        employee_id,
        store_id,
        hired_on,
        left_on
    from {{ ref('stg_reference__employees') }}
    where is_technician
),

month_offsets as (
    select generated_number - 1 as months_back
    from ({{ dbt.generate_series(12) }}) as offsets
),

window_months as (
    select
        store_months.store_id,
        store_months.month_start,
        cast({{ dbt.dateadd('month', '-month_offsets.months_back', 'store_months.month_start') }} as date)
            as window_month_start
    from store_months
    cross join month_offsets
),

window_month_bounds as (
    select
        store_id,
        month_start,
        window_month_start,
        cast({{ dbt.last_day('window_month_start', 'month') }} as date) as window_month_end
    from window_months
),

technician_counts as (
    select
        window_month_bounds.store_id,
        window_month_bounds.month_start,
        window_month_bounds.window_month_start,
        sum(
            case
                when technicians.hired_on <= window_month_bounds.window_month_end
                    and (technicians.left_on is null or technicians.left_on > window_month_bounds.window_month_end)
                    then 1
                else 0
            end
        ) as month_end_headcount,
        sum(
            case
                when technicians.left_on between window_month_bounds.window_month_start
                    and window_month_bounds.window_month_end
                    then 1
                else 0
            end
        ) as leavers
    from window_month_bounds
    left join technicians
        on window_month_bounds.store_id = technicians.store_id
    group by
        window_month_bounds.store_id,
        window_month_bounds.month_start,
        window_month_bounds.window_month_start
),

store_month_facts as (
    select
        store_id,
        month_start,
        sum(leavers) as leavers_12m,
        avg(1.0 * month_end_headcount) as mean_headcount_12m
    from technician_counts
    group by store_id, month_start
),

final as (
    {{ metric_components('store_month_facts', "'store'", 'store_id', 'month', 'month_start', attrition_metrics) }}
)

select * from final
