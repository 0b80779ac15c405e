-- related_metrics is a semicolon-separated list of metric ids that the docs and the BI layer
-- turn into links (causal neighbours, counter-metrics). A typo or a renamed id would silently
-- break a link, and a metric listing itself is meaningless. Fails with every listed id that is
-- not a metric_id of the dictionary, or that is the row's own id.
with

dictionary as (
    select metric_id, related_metrics from {{ ref('metric_dictionary') }}
),

related as (
    select
        metric_id,
        trim(unnest(string_split(related_metrics, ';'))) as related_metric_id
    from dictionary
    where related_metrics is not null
),

final as (
    select
        related.metric_id,
        related.related_metric_id
    from related
    left join dictionary as known
        on related.related_metric_id = known.metric_id
    where known.metric_id is null
        or related.related_metric_id = related.metric_id
)

select * from final
