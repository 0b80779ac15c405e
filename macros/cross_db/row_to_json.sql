{#- The given columns of a row as one JSON object text: how a quarantined row keeps its raw values. -#}
{% macro row_to_json(columns, relation_alias) %}
    {{ return(adapter.dispatch('row_to_json', 'aftersales')(columns, relation_alias)) }}
{% endmacro %}

{% macro default__row_to_json(columns, relation_alias) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column }}', {{ relation_alias }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__row_to_json(columns, relation_alias) -%}
    cast(json_build_object(
        {%- for column in columns %}
        '{{ column }}', {{ relation_alias }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as text)
{%- endmacro %}

{% macro spark__row_to_json(columns, relation_alias) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ relation_alias }}.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
