{#-
    Use the custom schema name as is (`marts`, not `main_marts`), so BI tools read stable names
    (`marts.fct_metric_values`) whatever the target's default schema is.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
