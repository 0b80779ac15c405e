-- The BI contract (METRICS.md "The BI contract"): one row per metric, entity and period, with
-- value, numerator, denominator, sample, target, thresholds, status and provisional flag.
-- Values are derived here, once, from summed components: value = numerator when the metric is
-- a sum, else multiplier × numerator ÷ denominator + offset (NPS × 100, growth − 1).
with

components as (
    select * from {{ ref('int_metric_components_rolled_up') }}
),

dictionary as (
    select * from {{ ref('metric_dictionary') }}
),

targets as (
    select * from {{ ref('metric_targets') }}
),

store_months as (
    select
        store_id,
        month_start,
        region,
        maturity_tier
    from {{ ref('int_store_months') }}
),

city_regions as (
    select distinct
        city,
        region
    from {{ ref('stg_reference__stores') }}
),

data_window as (
    select * from {{ ref('int_data_window') }}
),

valued as (
    select
        components.metric_id,
        components.entity_type,
        components.entity_id,
        components.period_type,
        components.period_start,
        case
            when components.period_type = 'day' then components.period_start
            when components.period_type = 'week'
                then cast({{ dbt.dateadd('day', 6, 'components.period_start') }} as date)
            else cast({{ dbt.last_day('components.period_start', 'month') }} as date)
        end as period_end,
        case
            when dictionary.value_kind = 'sum' then components.numerator
            when components.denominator = 0 then null
            else dictionary.value_multiplier * components.numerator / components.denominator
                + dictionary.value_offset
        end as value,
        components.numerator,
        components.denominator,
        components.sample_size,
        dictionary.direction,
        dictionary.min_sample_size,
        dictionary.lookahead_days
    from components
    inner join dictionary
        on components.metric_id = dictionary.metric_id
),

-- The tier and region of the entity, for tiered targets: a store's tier as of the month the
-- period starts in, or, for a week that starts before the store's first month, the month it ends
-- in; cities and regions have a region but no tier.
with_scope as (
    select
        valued.*,
        coalesce(start_month.maturity_tier, end_month.maturity_tier) as maturity_tier,
        case
            when valued.entity_type = 'store' then coalesce(start_month.region, end_month.region)
            when valued.entity_type = 'region' then valued.entity_id
            when valued.entity_type = 'city' then city_regions.region
        end as scope_region
    from valued
    left join store_months as start_month
        on valued.entity_type = 'store'
        and valued.entity_id = start_month.store_id
        and cast({{ dbt.date_trunc('month', 'valued.period_start') }} as date) = start_month.month_start
    left join store_months as end_month
        on valued.entity_type = 'store'
        and valued.entity_id = end_month.store_id
        and cast({{ dbt.date_trunc('month', 'valued.period_end') }} as date) = end_month.month_start
    left join city_regions
        on valued.entity_type = 'city'
        and valued.entity_id = city_regions.city
),

-- The most specific target valid at the period start: store, then region, then tier, then the
-- default (docs/decisions.md).
matching_targets as (
    select
        with_scope.metric_id,
        with_scope.entity_type,
        with_scope.entity_id,
        with_scope.period_type,
        with_scope.period_start,
        targets.target,
        targets.yellow_threshold,
        targets.red_threshold,
        targets.lower_yellow_threshold,
        targets.lower_red_threshold,
        row_number() over (
            partition by
                with_scope.metric_id,
                with_scope.entity_type,
                with_scope.entity_id,
                with_scope.period_type,
                with_scope.period_start
            order by
                case targets.scope_type
                    when 'store' then 1
                    when 'region' then 2
                    when 'tier' then 3
                    else 4
                end
        ) as specificity_rank
    from with_scope
    inner join targets
        on with_scope.metric_id = targets.metric_id
        and with_scope.period_start between targets.valid_from and targets.valid_to
        and (
            targets.scope_type = 'default'
            or (targets.scope_type = 'store' and with_scope.entity_type = 'store'
                and targets.scope_value = with_scope.entity_id)
            or (targets.scope_type = 'region' and targets.scope_value = with_scope.scope_region)
            or (targets.scope_type = 'tier' and targets.scope_value = with_scope.maturity_tier)
        )
),

with_targets as (
    select
        with_scope.*,
        matching_targets.target,
        matching_targets.yellow_threshold,
        matching_targets.red_threshold,
        matching_targets.lower_yellow_threshold,
        matching_targets.lower_red_threshold
    from with_scope
    left join matching_targets
        on with_scope.metric_id = matching_targets.metric_id
        and with_scope.entity_type = matching_targets.entity_type
        and with_scope.entity_id = matching_targets.entity_id
        and with_scope.period_type = matching_targets.period_type
        and with_scope.period_start = matching_targets.period_start
        and matching_targets.specificity_rank = 1
),

final as (
    select
        cast(metric_id as {{ dbt.type_string() }}) as metric_id,
        cast(entity_type as {{ dbt.type_string() }}) as entity_type,
        cast(entity_id as {{ dbt.type_string() }}) as entity_id,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(period_start as date) as period_start,
        cast(value as {{ type_double() }}) as value,
        cast(numerator as {{ type_double() }}) as numerator,
        cast(denominator as {{ type_double() }}) as denominator,
        cast(sample_size as {{ dbt.type_bigint() }}) as sample_size,
        cast(target as {{ type_double() }}) as target,
        cast(yellow_threshold as {{ type_double() }}) as yellow_threshold,
        cast(red_threshold as {{ type_double() }}) as red_threshold,
        cast(
            {{ metric_status('value', 'direction', 'sample_size', 'min_sample_size',
                             'yellow_threshold', 'red_threshold',
                             'lower_yellow_threshold', 'lower_red_threshold') }}
            as {{ dbt.type_string() }}
        ) as status,
        coalesce(lookahead_days, 0) > 0
        and cast({{ dbt.dateadd('day', 'lookahead_days', 'period_end') }} as date)
            > (select as_of_date from data_window) as is_provisional,
        cast(maturity_tier as {{ dbt.type_string() }}) as maturity_tier,
        cast(lower_yellow_threshold as {{ type_double() }}) as lower_yellow_threshold,
        cast(lower_red_threshold as {{ type_double() }}) as lower_red_threshold
    from with_targets
)

select * from final
