-- One row per raw table: rows in = rows staged + rows set aside, so nothing is lost unseen.
{% set contract = raw_contract() %}
with

{% for table_name, spec in contract.items() %}
{{ table_name }}_counts as (
    select
        '{{ table_name }}' as table_name,
        '{{ spec.system }}' as source_system,
        (select count(*) from {{ ref('base_' ~ spec.system ~ '__' ~ table_name) }}) as rows_in,
        (select count(*) from {{ ref('stg_' ~ spec.system ~ '__' ~ table_name) }}) as rows_staged,
        (
            select count(distinct _row_id)
            from {{ ref('base_' ~ spec.system ~ '__' ~ table_name ~ '_violations') }}
        ) as rows_set_aside,
        (
            select count(*)
            from {{ ref('base_' ~ spec.system ~ '__' ~ table_name ~ '_violations') }}
        ) as rule_violations
),
{% endfor %}

all_counts as (
    {%- for table_name in contract %}
    select * from {{ table_name }}_counts
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        table_name,
        source_system,
        rows_in,
        rows_staged,
        rows_set_aside,
        rule_violations,
        rows_in = rows_staged + rows_set_aside as is_reconciled
    from all_counts
)

select * from final
