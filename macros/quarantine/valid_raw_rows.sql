{#-
    The raw rows of a table that break no rule: what a staging model is built from. Rows that
    break a rule are in the table's violations model and, with their reasons, in
    data_quality.fct_quarantined_rows.
-#}
{% macro valid_raw_rows(table_name) %}
    {%- set spec = raw_table_contract(table_name) -%}
    {%- set prefix = 'base_' ~ spec.system ~ '__' ~ table_name -%}
    select base_rows.*
    from {{ ref(prefix) }} as base_rows
    where not exists (
        select 1
        from {{ ref(prefix ~ '_violations') }} as violations
        where violations._row_id = base_rows._row_id
    )
{%- endmacro %}
