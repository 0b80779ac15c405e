-- Warning lines must be ordered the way the metric's direction reads them, or a status board
-- built on them shows nonsense (e.g. a red line above the yellow line of a higher-is-better
-- metric makes yellow unreachable). The direction lives in metric_dictionary, so this cannot be
-- a single-seed generic test. Fails with every target row whose thresholds are out of order,
-- whose lower_* columns are set on a non-band metric, or missing on a band metric.
with

targets as (
    select * from {{ ref('metric_targets') }}
),

dictionary as (
    select metric_id, direction from {{ ref('metric_dictionary') }}
),

checked as (
    select
        targets.metric_id,
        targets.scope_type,
        targets.scope_value,
        targets.valid_from,
        dictionary.direction,
        targets.lower_red_threshold,
        targets.lower_yellow_threshold,
        targets.target,
        targets.yellow_threshold,
        targets.red_threshold,
        case dictionary.direction
            when 'higher_is_better' then
                targets.red_threshold <= targets.yellow_threshold
                and targets.yellow_threshold <= targets.target
                and targets.lower_yellow_threshold is null
                and targets.lower_red_threshold is null
            when 'lower_is_better' then
                targets.target <= targets.yellow_threshold
                and targets.yellow_threshold <= targets.red_threshold
                and targets.lower_yellow_threshold is null
                and targets.lower_red_threshold is null
            when 'band' then
                targets.lower_red_threshold <= targets.lower_yellow_threshold
                and targets.lower_yellow_threshold <= targets.target
                and targets.target <= targets.yellow_threshold
                and targets.yellow_threshold <= targets.red_threshold
        end as is_ordered
    from targets
    left join dictionary
        on targets.metric_id = dictionary.metric_id
),

final as (
    select *
    from checked
    where not coalesce(is_ordered, false)
)

select * from final
