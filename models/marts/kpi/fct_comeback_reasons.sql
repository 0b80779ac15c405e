-- One row per store, month (the original order's delivery month), drill-down dimension, value
-- of that dimension and comeback reason: how many original repair/accident orders came back for
-- that reason. Within a store, month, dimension and value the reasons split the originals that
-- came back MECE (their shares add up to 1); 'unrecorded' holds comebacks the advisor did not flag.
{% set dimensions = {
    'store': 'store_id',
    'fault_system': 'fault_system',
    'technician_level': "cast(technician_level as " ~ dbt.type_string() ~ ")",
    'supplier': "coalesce(main_supplier_id, 'no_parts')",
    'service_type': 'service_type',
    'arrival_day_type': 'arrival_day_type',
} %}
with

originals as (
    select * from {{ ref('int_repair_orders_outcomes') }}
    where is_original
),

originals_by_dimension as (
    {%- for dimension, expression in dimensions.items() %}
    {{ 'union all' if not loop.first }}
    select
        store_id,
        delivered_month as month_start,
        '{{ dimension }}' as dimension,
        coalesce({{ expression }}, 'unknown') as dimension_value,
        has_comeback,
        comeback_reason,
        is_comeback_window_open
    from originals
    {%- endfor %}
),

dimension_totals as (
    select
        store_id,
        month_start,
        dimension,
        dimension_value,
        count(*) as originals,
        sum(case when has_comeback then 1 else 0 end) as originals_with_comeback,
        max(case when is_comeback_window_open then 1 else 0 end) = 1 as is_provisional
    from originals_by_dimension
    group by store_id, month_start, dimension, dimension_value
),

reason_counts as (
    select
        store_id,
        month_start,
        dimension,
        dimension_value,
        comeback_reason,
        count(*) as originals_with_comeback_for_reason
    from originals_by_dimension
    where has_comeback
    group by store_id, month_start, dimension, dimension_value, comeback_reason
),

final as (
    select
        reason_counts.store_id,
        reason_counts.month_start,
        reason_counts.dimension,
        reason_counts.dimension_value,
        reason_counts.comeback_reason,
        cast(reason_counts.originals_with_comeback_for_reason as {{ dbt.type_bigint() }})
            as originals_with_comeback_for_reason,
        cast(dimension_totals.originals_with_comeback as {{ dbt.type_bigint() }}) as originals_with_comeback,
        cast(dimension_totals.originals as {{ dbt.type_bigint() }}) as originals,
        cast(reason_counts.originals_with_comeback_for_reason as {{ type_double() }})
            / dimension_totals.originals_with_comeback as reason_share,
        cast(reason_counts.originals_with_comeback_for_reason as {{ type_double() }})
            / dimension_totals.originals as reason_rate,
        dimension_totals.is_provisional
    from reason_counts
    inner join dimension_totals
        on reason_counts.store_id = dimension_totals.store_id
        and reason_counts.month_start = dimension_totals.month_start
        and reason_counts.dimension = dimension_totals.dimension
        and reason_counts.dimension_value = dimension_totals.dimension_value
)

select * from final
