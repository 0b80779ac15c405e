-- Comeback reasons split the originals that came back MECE (METRICS.md): within a store, month,
-- dimension and value the reasons' counts add up to the originals with a comeback and their
-- shares to 1; and within a store, month and dimension the values split the same originals as
-- the 'store' dimension (every original is in exactly one value of every dimension).
with

reasons as (
    select * from {{ ref('fct_comeback_reasons') }}
),

per_value as (
    select
        store_id,
        month_start,
        dimension,
        dimension_value,
        sum(originals_with_comeback_for_reason) as reason_total,
        max(originals_with_comeback) as originals_with_comeback,
        sum(reason_share) as share_total
    from reasons
    group by store_id, month_start, dimension, dimension_value
),

value_mismatches as (
    select
        store_id,
        month_start,
        dimension,
        dimension_value,
        'reasons do not add up' as problem
    from per_value
    where reason_total <> originals_with_comeback
        or abs(share_total - 1) > 1e-9
),

per_dimension as (
    select
        store_id,
        month_start,
        dimension,
        sum(originals_with_comeback) as originals_with_comeback
    from per_value
    group by store_id, month_start, dimension
),

dimension_mismatches as (
    select
        per_dimension.store_id,
        per_dimension.month_start,
        per_dimension.dimension,
        cast(null as {{ dbt.type_string() }}) as dimension_value,
        'dimension values do not split the store total' as problem
    from per_dimension
    inner join per_dimension as store_total
        on per_dimension.store_id = store_total.store_id
        and per_dimension.month_start = store_total.month_start
        and store_total.dimension = 'store'
    where per_dimension.originals_with_comeback <> store_total.originals_with_comeback
)

select * from value_mismatches
union all
select * from dimension_mismatches
