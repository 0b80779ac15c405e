{#-
    The given columns of a row as one JSON object text: how a quarantined row keeps its raw
    values. Columns listed in `hashed` (personal data) are kept as a hash, so the quarantine can
    still tell rows apart without exposing the value.
-#}
{% macro row_to_json(columns, relation_alias, hashed=[]) %}
    {{ return(adapter.dispatch('row_to_json', 'aftersales')(columns, relation_alias, hashed)) }}
{% endmacro %}

{% macro json_field_value(column, relation_alias, hashed) -%}
    {%- if column in hashed -%}
        {{ dbt.hash(relation_alias ~ '.' ~ column) }}
    {%- else -%}
        {{ relation_alias }}.{{ column }}
    {%- endif -%}
{%- endmacro %}

{% macro default__row_to_json(columns, relation_alias, hashed) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column }}', {{ json_field_value(column, relation_alias, hashed) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro postgres__row_to_json(columns, relation_alias, hashed) -%}
    cast(json_build_object(
        {%- for column in columns %}
        '{{ column }}', {{ json_field_value(column, relation_alias, hashed) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as text)
{%- endmacro %}

{% macro spark__row_to_json(columns, relation_alias, hashed) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ json_field_value(column, relation_alias, hashed) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
