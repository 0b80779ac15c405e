{#-
    Cast that yields NULL instead of failing, so a malformed raw value becomes a quarantined row
    with a reason rather than a failed build.
-#}
{% macro safe_cast(expression, data_type) %}
    {{ return(adapter.dispatch('safe_cast', 'aftersales')(expression, data_type)) }}
{% endmacro %}

{% macro default__safe_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#- PostgreSQL has no try_cast: only text that matches the type's shape is cast. -#}
{% macro postgres__safe_cast(expression, data_type) -%}
    {%- set patterns = {
        'integer': '^[+-]?[0-9]+$',
        'bigint': '^[+-]?[0-9]+$',
        'decimal(18,2)': '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$',
        'date': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        'timestamp': '^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?$',
        'boolean': '^(true|false|t|f|1|0)$',
    } -%}
    {%- if data_type in patterns -%}
    case when cast({{ expression }} as text) ~* '{{ patterns[data_type] }}'
        then cast(cast({{ expression }} as text) as {{ data_type }}) end
    {%- else -%}
    cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
