-- The pyramid has exactly one north star (METRICS.md: "one, configurable; default
-- retention_12m"); the marts and the regional director's view read it from the dictionary.
-- Fails with the count of north-star rows when it is not exactly one.
with

north_stars as (
    select count(*) as north_star_count
    from {{ ref('metric_dictionary') }}
    where pyramid_level = 'north_star'
),

final as (
    select north_star_count
    from north_stars
    where north_star_count <> 1
)

select * from final
