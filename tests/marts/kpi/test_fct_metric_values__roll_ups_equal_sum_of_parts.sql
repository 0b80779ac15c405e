-- Every additive roll-up equals the sum of its parts (METRICS.md "Trees that must add up"):
-- for metrics that roll up by summing, the numerators, denominators and samples of the network
-- equal the sums over its regions, its cities and its stores, and a store's week and month equal
-- the sums of its days. Ratios are never averaged.
{% set tolerance = 1e-6 %}
with

metric_values as (
    select metric_values.*
    from {{ ref('fct_metric_values') }} as metric_values
    inner join {{ ref('metric_dictionary') }} as dictionary
        on metric_values.metric_id = dictionary.metric_id
    where dictionary.rolls_up_by_summing
),

network as (
    select * from metric_values where entity_type = 'network'
),

parts as (
    {%- for grain in ['region', 'city', 'store'] %}
    {{ 'union all' if not loop.first }}
    select
        '{{ grain }}' as part_grain,
        metric_id,
        period_type,
        period_start,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(sample_size) as sample_size
    from metric_values
    where entity_type = '{{ grain }}'
    group by metric_id, period_type, period_start
    {%- endfor %}
),

geography_mismatches as (
    select
        parts.part_grain as compared,
        parts.metric_id,
        parts.period_type,
        parts.period_start,
        network.numerator as whole_numerator,
        parts.numerator as parts_numerator
    from parts
    left join network
        on parts.metric_id = network.metric_id
        and parts.period_type = network.period_type
        and parts.period_start = network.period_start
    where network.metric_id is null
        or abs(coalesce(network.numerator, 0) - coalesce(parts.numerator, 0))
        > {{ tolerance }} * (1 + abs(coalesce(network.numerator, 0)))
        or abs(coalesce(network.denominator, 0) - coalesce(parts.denominator, 0))
        > {{ tolerance }} * (1 + abs(coalesce(network.denominator, 0)))
        or coalesce(network.sample_size, 0) <> coalesce(parts.sample_size, 0)
),

store_days as (
    select * from metric_values where entity_type = 'store' and period_type = 'day'
),

days_summed_to_months as (
    select
        metric_id,
        entity_id,
        cast({{ dbt.date_trunc('month', 'period_start') }} as date) as period_start,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from store_days
    group by metric_id, entity_id, cast({{ dbt.date_trunc('month', 'period_start') }} as date)
),

period_mismatches as (
    select
        'store days to month' as compared,
        months.metric_id,
        months.period_type,
        months.period_start,
        months.numerator as whole_numerator,
        days_summed_to_months.numerator as parts_numerator
    from metric_values as months
    inner join days_summed_to_months
        on months.metric_id = days_summed_to_months.metric_id
        and months.entity_id = days_summed_to_months.entity_id
        and months.period_start = days_summed_to_months.period_start
    where months.entity_type = 'store'
        and months.period_type = 'month'
        and (
            abs(months.numerator - days_summed_to_months.numerator)
            > {{ tolerance }} * (1 + abs(months.numerator))
            or abs(coalesce(months.denominator, 0) - coalesce(days_summed_to_months.denominator, 0))
            > {{ tolerance }} * (1 + abs(coalesce(months.denominator, 0)))
        )
)

select * from geography_mismatches
union all
select * from period_mismatches
