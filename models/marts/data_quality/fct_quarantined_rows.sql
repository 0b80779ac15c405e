-- One row per raw row and rule it breaks, across every raw table: what was set aside and why.
{% set contract = raw_contract() %}
with

{% for table_name, spec in contract.items() %}
{{ table_name }}_quarantined as (
    select
        violations.table_name,
        base_rows._row_key as row_key,
        violations.rule,
        violations.column_name,
        violations.detail,
        base_rows._raw_values as raw_values,
        violations._row_id as raw_row_id
    from {{ ref('base_' ~ spec.system ~ '__' ~ table_name ~ '_violations') }} as violations
    inner join {{ ref('base_' ~ spec.system ~ '__' ~ table_name) }} as base_rows
        on violations._row_id = base_rows._row_id
),
{% endfor %}

final as (
    {%- for table_name in contract %}
    select * from {{ table_name }}_quarantined
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select * from final
