{#-
    Reconciles a wide store-month scorecard (built with the store_month_scorecard macro) with the
    BI contract it pivots: a scorecard is fct_metric_values turned sideways, never a second
    computation. Fails with every store, month and metric of the given KPI layers where
      - the scorecard's <metric_id> or <metric_id>_status column differs from the value or status
        of the store-month row of fct_metric_values (NULL = NULL counts as equal), or
      - fct_metric_values has a store-month row that the scorecard does not show.

    Usage:
      data_tests:
        - matches_metric_values:
            arguments:
              layers: [quality]
              metric_values: ref('fct_metric_values')
-#}
{% test matches_metric_values(model, layers, metric_values) %}
{%- set metric_ids = [] -%}
{%- for layer in layers -%}
    {%- do metric_ids.extend(layer_metric_ids(layer)) -%}
{%- endfor %}
with

contract_values as (
    select
        entity_id as store_id,
        period_start as month_start,
        metric_id,
        value,
        status
    from {{ metric_values }}
    where entity_type = 'store'
        and period_type = 'month'
        and metric_id in (
            {%- for metric_id in metric_ids %}'{{ metric_id }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
),

scorecard_values as (
    {%- for metric_id in metric_ids %}
    {{ 'union all' if not loop.first }}
    select
        store_id,
        month_start,
        '{{ metric_id }}' as metric_id,
        {{ metric_id }} as value,
        {{ metric_id }}_status as status
    from {{ model }}
    {%- endfor %}
)

select
    coalesce(scorecard_values.store_id, contract_values.store_id) as store_id,
    coalesce(scorecard_values.month_start, contract_values.month_start) as month_start,
    coalesce(scorecard_values.metric_id, contract_values.metric_id) as metric_id,
    scorecard_values.value as scorecard_value,
    contract_values.value as contract_value,
    scorecard_values.status as scorecard_status,
    contract_values.status as contract_status
from scorecard_values
full outer join contract_values
    on scorecard_values.store_id = contract_values.store_id
    and scorecard_values.month_start = contract_values.month_start
    and scorecard_values.metric_id = contract_values.metric_id
where scorecard_values.metric_id is null
    or scorecard_values.value is distinct from contract_values.value
    or scorecard_values.status is distinct from contract_values.status
{% endtest %}
