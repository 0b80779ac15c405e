{#-
    One row per raw row and rule it breaks (docs/data_quality_rules.md), for one raw table:
    _row_id, table_name, rule, column_name, detail.

    Further exact copies are reported as duplicate_row only; every other rule is checked on the
    first copy of each row. Foreign keys are checked against the staged parent, self-references
    against the rows of the same table that break no other rule and are not themselves set aside
    for their own reference (recursively, through chains). Called by the violation models
    (models/staging/*/base/base_<system>__<table>_violations.sql).
-#}
{% macro raw_rule_violations(table_name) %}
    {%- set spec = raw_table_contract(table_name) -%}
    {%- set contract = raw_contract() -%}
    {%- set references = spec.get('references', {}) -%}
    {%- set self_references = [] -%}
    {%- set parent_references = [] -%}
    {%- for column, parent in references.items() -%}
        {%- if parent[0] == table_name -%}
            {%- do self_references.append([column, parent[1]]) -%}
        {%- else -%}
            {%- do parent_references.append([column, parent[0], parent[1]]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set checks = raw_row_checks(table_name, spec) -%}
    {%- set parent_key_columns = self_references | map(attribute=1) | unique | list -%}
with{{ ' recursive' if self_references | length > 0 }}

raw_rows as (
    select * from {{ ref('base_' ~ spec.system ~ '__' ~ table_name) }}
),

first_copies as (
    select * from raw_rows where _copy_number = 1
),

{%- for reference in parent_references %}

{{ reference[0] }}_parent_keys as (
    select distinct {{ reference[2] }} as parent_key
    from {{ ref('stg_' ~ contract[reference[1]].system ~ '__' ~ reference[1]) }}
),
{%- endfor %}

conflicting_keys as (
    select {{ spec.key | join(', ') }}
    from first_copies
    where {% for column in spec.key %}{{ column }} is not null{{ ' and ' if not loop.last }}{% endfor %}
    group by {{ spec.key | join(', ') }}
    having count(*) > 1
),

row_violations as (
    select
        _row_id,
        'duplicate_row' as rule,
        cast(null as {{ dbt.type_string() }}) as column_name,
        {{ dbt.concat(["'exact copy no. '", 'cast(_copy_number as ' ~ dbt.type_string() ~ ')', "' of an earlier row'"]) }} as detail
    from raw_rows
    where _copy_number > 1

    union all

    select
        first_copies._row_id,
        'key_conflict' as rule,
        '{{ spec.key | join(",") }}' as column_name,
        'another row has the same key with different values' as detail
    from first_copies
    inner join conflicting_keys
        on {% for column in spec.key %}first_copies.{{ column }} = conflicting_keys.{{ column }}{{ ' and ' if not loop.last }}{% endfor %}
    {%- for check in checks %}

    union all

    select
        _row_id,
        '{{ check.rule }}' as rule,
        '{{ check.column }}' as column_name,
        {{ check.detail }} as detail
    from first_copies
    where {{ check.broken_when }}
    {%- endfor %}
    {%- for reference in parent_references %}

    union all

    select
        first_copies._row_id,
        'unknown_reference' as rule,
        '{{ reference[0] }}' as column_name,
        {{ dbt.concat(["'" ~ reference[0] ~ " '", 'first_copies.' ~ reference[0], "' is not a staged " ~ reference[1] ~ "." ~ reference[2] ~ "'"]) }} as detail
    from first_copies
    left join {{ reference[0] }}_parent_keys
        on first_copies.{{ reference[0] }} = {{ reference[0] }}_parent_keys.parent_key
    where first_copies.{{ reference[0] }} is not null
        and {{ reference[0] }}_parent_keys.parent_key is null
    {%- endfor %}
)
{%- if self_references | length > 0 %},

rows_valid_apart_from_self_references as (
    select first_copies.*
    from first_copies
    where not exists (
        select 1 from row_violations where row_violations._row_id = first_copies._row_id
    )
),

-- Rows valid apart from self references that are set aside for one: their reference does not
-- resolve to a row valid apart from self references, or (recursively) resolves to a row set aside
-- here. Without the recursion, a row referring to a row set aside only for its own reference would
-- be staged with a reference to a row that is not staged.
rows_set_aside_by_self_references as (
    select
        children._row_id,
        {%- for key_column in parent_key_columns %}
        children.{{ key_column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from rows_valid_apart_from_self_references as children
    where
        {%- for reference in self_references %}
        {{ 'or ' if not loop.first }}(
            children.{{ reference[0] }} is not null
            and not exists (
                select 1
                from rows_valid_apart_from_self_references as parents
                where parents.{{ reference[1] }} = children.{{ reference[0] }}
            )
        )
        {%- endfor %}

    union

    select
        children._row_id,
        {%- for key_column in parent_key_columns %}
        children.{{ key_column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from rows_valid_apart_from_self_references as children
    inner join rows_set_aside_by_self_references as parents
        on {% for reference in self_references %}{{ 'or ' if not loop.first }}children.{{ reference[0] }} = parents.{{ reference[1] }}{{ ' ' if not loop.last }}{% endfor %}
),

self_reference_parents as (
    select rows_valid_apart_from_self_references.*
    from rows_valid_apart_from_self_references
    where not exists (
        select 1
        from rows_set_aside_by_self_references
        where rows_set_aside_by_self_references._row_id = rows_valid_apart_from_self_references._row_id
    )
),

self_reference_violations as (
    {%- for reference in self_references %}
    {{ 'union all' if not loop.first }}
    select
        first_copies._row_id,
        'unknown_reference' as rule,
        '{{ reference[0] }}' as column_name,
        {{ dbt.concat(["'" ~ reference[0] ~ " '", 'first_copies.' ~ reference[0], "' is not a valid " ~ table_name ~ "." ~ reference[1] ~ "'"]) }} as detail
    from first_copies
    left join self_reference_parents as parents
        on first_copies.{{ reference[0] }} = parents.{{ reference[1] }}
    where first_copies.{{ reference[0] }} is not null
        and parents.{{ reference[1] }} is null
    {%- endfor %}
),

final as (
    select * from row_violations
    union all
    select * from self_reference_violations
)
{%- else %},

final as (
    select * from row_violations
)
{%- endif %}

select
    _row_id,
    '{{ table_name }}' as table_name,
    rule,
    column_name,
    detail
from final
{%- endmacro %}


{#-
    The row-level checks of a table as a list of {rule, column, broken_when, detail}: not_null,
    invalid_type, accepted_values, out_of_range, timestamp_order and inconsistent. Conditions
    read the typed columns of the base model; emptiness is left to not_null.
-#}
{% macro raw_row_checks(table_name, spec) %}
    {%- set checks = [] -%}
    {%- set text = dbt.type_string() -%}
    {%- set typed_columns = [] -%}
    {%- for column in spec.columns -%}
        {%- if column.type != 'varchar' or column.length is defined -%}
            {%- do typed_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- for column in spec.columns if not column.get('nullable', false) -%}
        {%- set empty = column.name ~ ' is null' -%}
        {%- if column.name in typed_columns and column.type != 'varchar' -%}
            {%- set empty = empty ~ ' and not _invalid__' ~ column.name -%}
        {%- endif -%}
        {%- do checks.append({'rule': 'not_null', 'column': column.name, 'broken_when': empty,
                              'detail': "'required value is empty'"}) -%}
    {%- endfor -%}

    {%- if spec.required_when is defined -%}
        {%- for column_name in spec.required_when.columns -%}
            {%- do checks.append({'rule': 'not_null', 'column': column_name,
                'broken_when': '(' ~ spec.required_when.condition ~ ') and ' ~ column_name ~ ' is null and not _invalid__' ~ column_name,
                'detail': "'required when " ~ spec.required_when.condition | replace("'", "''") ~ "'"}) -%}
        {%- endfor -%}
    {%- endif -%}

    {%- for column in spec.columns if column.name in typed_columns -%}
        {%- set expected = column.type if column.length is not defined else column.length ~ ' characters' -%}
        {%- do checks.append({'rule': 'invalid_type', 'column': column.name,
            'broken_when': '_invalid__' ~ column.name,
            'detail': "'value cannot be read as " ~ expected ~ "'"}) -%}
    {%- endfor -%}

    {%- for column_name, values in spec.get('accepted_values', {}).items() -%}
        {%- do checks.append({'rule': 'accepted_values', 'column': column_name,
            'broken_when': column_name ~ " not in ('" ~ (values | join("', '")) ~ "')",
            'detail': dbt.concat(["'unknown code '", column_name])}) -%}
    {%- endfor -%}

    {%- for column_name, valid_when in spec.get('ranges', {}).items() -%}
        {%- do checks.append({'rule': 'out_of_range', 'column': column_name,
            'broken_when': 'not (' ~ valid_when ~ ')',
            'detail': dbt.concat(["'value '", 'cast(' ~ column_name ~ ' as ' ~ text ~ ')', "' breaks " ~ valid_when ~ "'"])}) -%}
    {%- endfor -%}

    {%- for pair in spec.get('order', []) -%}
        {%- do checks.append({'rule': 'timestamp_order', 'column': pair[0],
            'broken_when': pair[0] ~ ' < ' ~ pair[1],
            'detail': "'" ~ pair[0] ~ " is earlier than " ~ pair[1] ~ "'"}) -%}
    {%- endfor -%}

    {%- for column_name, broken_when in spec.get('inconsistent', {}).items() -%}
        {%- do checks.append({'rule': 'inconsistent', 'column': column_name,
            'broken_when': 'coalesce(' ~ broken_when ~ ', false)',
            'detail': "'breaks: " ~ broken_when | replace("'", "''") ~ "'"}) -%}
    {%- endfor -%}
    {{ return(checks) }}
{% endmacro %}
