-- The scorecards' metric lists (macro layer_metric_ids) and the dictionary's layers agree: a
-- metric shows in the scorecard of the layer the dictionary puts it in, and in no other.
with

scorecard_metrics as (
    {%- for layer in var('kpi_published_layers') %}
    {%- for metric_id in layer_metric_ids(layer) %}
    select '{{ layer }}' as layer, '{{ metric_id }}' as metric_id
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

dictionary as (
    select layer, metric_id
    from {{ ref('metric_dictionary') }}
    where layer in ('{{ var("kpi_published_layers") | join("', '") }}')
)

select coalesce(scorecard_metrics.metric_id, dictionary.metric_id) as metric_id,
    scorecard_metrics.layer as scorecard_layer,
    dictionary.layer as dictionary_layer
from scorecard_metrics
full outer join dictionary
    on scorecard_metrics.metric_id = dictionary.metric_id
    and scorecard_metrics.layer = dictionary.layer
where scorecard_metrics.metric_id is null or dictionary.metric_id is null
