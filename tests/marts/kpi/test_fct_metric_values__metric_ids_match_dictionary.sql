-- Every metric id published in fct_metric_values has a dictionary record, and every dictionary
-- metric of a published layer has values: a number never appears without its definition, and
-- a defined metric is never silently missing. Layers published so far: var('kpi_published_layers').
with

published as (
    select distinct metric_id from {{ ref('fct_metric_values') }}
),

dictionary as (
    select metric_id, layer from {{ ref('metric_dictionary') }}
),

published_without_definition as (
    select published.metric_id, 'published but not in the dictionary' as problem
    from published
    left join dictionary
        on published.metric_id = dictionary.metric_id
    where dictionary.metric_id is null
),

defined_but_not_published as (
    select dictionary.metric_id, 'in the dictionary but not published' as problem
    from dictionary
    left join published
        on dictionary.metric_id = published.metric_id
    where published.metric_id is null
        and dictionary.layer in ('{{ var("kpi_published_layers") | join("', '") }}')
)

select * from published_without_definition
union all
select * from defined_but_not_published
