{#-
    Unpivots per-entity, per-period facts into metric components: one row per metric, entity and
    period with the metric's numerator, denominator and sample size. Each metric's numerator and
    denominator are declared once, in the intermediate model of its layer, as
    {'metric_id': ..., 'numerator': <sql>, 'denominator': <sql or none>, 'sample_size': <sql>};
    the value, roll-ups and status are derived from the components in one place
    (int_metric_components_rolled_up, fct_metric_values). entity_type, entity_id and
    period_start are SQL expressions (a literal such as "'store'" or a column).
-#}
{% macro metric_components(relation, entity_type, entity_id, period_type, period_start, metrics) %}
    {%- for metric in metrics %}
    {{ 'union all' if not loop.first }}
    select
        '{{ metric.metric_id }}' as metric_id,
        {{ entity_type }} as entity_type,
        cast({{ entity_id }} as {{ dbt.type_string() }}) as entity_id,
        '{{ period_type }}' as period_type,
        cast({{ period_start }} as date) as period_start,
        cast({{ metric.numerator }} as {{ metric_component_type() }}) as numerator,
        cast({{ metric.denominator if metric.denominator is not none else 'null' }} as {{ metric_component_type() }}) as denominator,
        cast({{ metric.sample_size }} as {{ dbt.type_bigint() }}) as sample_size
    from {{ relation }}
    {%- endfor %}
{% endmacro %}


{#-
    Numerators and denominators are exact decimals, so sums over days, stores and regions do not
    depend on the order the engine adds them in: the same input always gives the same values and
    statuses (a double sum can flip a value sitting exactly on a threshold). Six decimals keep
    durations to 3.6 ms and money to the cent.
-#}
{% macro metric_component_type() %}
    {{ return('decimal(38, 6)') }}
{% endmacro %}
