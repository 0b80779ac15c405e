{#- ISO day of the week, 1 = Monday ... 7 = Sunday. -#}
{% macro day_of_week_iso(expression) %}
    {{ return(adapter.dispatch('day_of_week_iso', 'aftersales')(expression)) }}
{% endmacro %}

{% macro default__day_of_week_iso(expression) -%}
    extract(isodow from {{ expression }})
{%- endmacro %}

{% macro spark__day_of_week_iso(expression) -%}
    (((dayofweek({{ expression }}) + 5) % 7) + 1)
{%- endmacro %}
