-- One row per metric, entity and period at every published grain: store days roll up to weeks
-- (Monday start) and months; stores roll up to cities, regions and the network by summing
-- numerators, denominators and samples (never by averaging ratios). Metrics that count a
-- customer's first visit at the entity are computed per grain upstream and are not rolled up.
with

components as (
    select * from {{ ref('int_efficiency_metric_components') }}
    union all
    select * from {{ ref('int_quality_metric_components') }}
    union all
    select * from {{ ref('int_satisfaction_metric_components') }}
    union all
    select * from {{ ref('int_finance_metric_components') }}
    union all
    select * from {{ ref('int_people_metric_components') }}
),

dictionary as (
    select
        metric_id,
        rolls_up_by_summing
    from {{ ref('metric_dictionary') }}
),

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

stores as (
    select
        store_id,
        city,
        region
    from {{ ref('stg_reference__stores') }}
),

days_rolled_to_weeks_and_months as (
    {%- for period in [['week', 'week_start'], ['month', 'month_start']] %}
    {{ 'union all' if not loop.first }}
    select
        components.metric_id,
        components.entity_type,
        components.entity_id,
        '{{ period[0] }}' as period_type,
        calendar_days.{{ period[1] }} as period_start,
        sum(components.numerator) as numerator,
        sum(components.denominator) as denominator,
        sum(components.sample_size) as sample_size
    from components
    inner join calendar_days
        on components.period_start = calendar_days.calendar_date
    where components.period_type = 'day'
    group by
        components.metric_id,
        components.entity_type,
        components.entity_id,
        calendar_days.{{ period[1] }}
    {%- endfor %}
),

entity_periods as (
    select * from components
    union all
    select * from days_rolled_to_weeks_and_months
),

store_periods_to_roll_up as (
    select
        entity_periods.*,
        stores.city,
        stores.region
    from entity_periods
    inner join stores
        on entity_periods.entity_id = stores.store_id
    inner join dictionary
        on entity_periods.metric_id = dictionary.metric_id
    where entity_periods.entity_type = 'store'
        and dictionary.rolls_up_by_summing
),

geography_roll_ups as (
    {%- for grain in [['city', 'city'], ['region', 'region'], ['network', "'network'"]] %}
    {{ 'union all' if not loop.first }}
    select
        metric_id,
        '{{ grain[0] }}' as entity_type,
        {{ grain[1] }} as entity_id,
        period_type,
        period_start,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(sample_size) as sample_size
    from store_periods_to_roll_up
    group by metric_id, {{ grain[1] if grain[0] != 'network' else '' }}{{ ', ' if grain[0] != 'network' }}period_type, period_start
    {%- endfor %}
),

final as (
    select * from entity_periods
    union all
    select * from geography_roll_ups
)

select * from final
