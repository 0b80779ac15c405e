{#-
    Every raw row of a table, typed per the raw contract, with what the quarantine needs:

      _row_id       stable identity of the raw row: hash of its raw values and its copy number
                    (exact copies share the hash, so they are told apart by copy number only,
                    which makes the choice of the kept copy irrelevant and the output
                    deterministic);
      _copy_number  1 for the first copy of a row, 2.. for exact re-sent copies;
      _raw_values   the raw values as JSON text, kept for the quarantine (personal data,
                    marked `pii` in the contract, as a hash);
      <column>      the value cast to its contract type (NULL when it cannot be read);
      _invalid__<column>  true when a non-empty value could not be read as its type.

    Called by the base models (models/staging/*/base/base_<system>__<table>.sql).
-#}
{% macro raw_rows_typed(table_name) %}
    {%- set spec = raw_table_contract(table_name) -%}
    {%- set columns = spec.columns -%}
    {%- set column_names = columns | map(attribute='name') | list -%}
    {%- set source_relation = raw_table(table_name) -%}
    {%- do assert_raw_columns(table_name, source_relation) -%}
with

raw_rows as (
    select
        {%- for column in columns %}
        cast({{ column.name }} as {{ dbt.type_string() }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ source_relation }}
),

raw_rows_as_json as (
    select
        raw_rows.*,
        {{ row_to_json(column_names, 'raw_rows', hashed=columns | selectattr('pii', 'defined') | map(attribute='name') | list) }} as _raw_values
    from raw_rows
),

numbered_copies as (
    select
        raw_rows_as_json.*,
        {{ dbt.hash('_raw_values') }} as _raw_hash,
        row_number() over (partition by _raw_values order by _raw_values) as _copy_number
    from raw_rows_as_json
),

final as (
    select
        {{ dbt.concat(['_raw_hash', "'-'", 'cast(_copy_number as ' ~ dbt.type_string() ~ ')']) }} as _row_id,
        _copy_number,
        _raw_values,
        {%- for column in columns %}
        {%- if column.type == 'varchar' %}
        numbered_copies.{{ column.name }},
        {%- if column.length is defined %}
        coalesce(length(numbered_copies.{{ column.name }}) <> {{ column.length }}, false) as _invalid__{{ column.name }},
        {%- endif %}
        {%- else %}
        {{ safe_cast('numbered_copies.' ~ column.name, contract_type(column.type)) }} as {{ column.name }},
        (
            numbered_copies.{{ column.name }} is not null
            and {{ safe_cast('numbered_copies.' ~ column.name, contract_type(column.type)) }} is null
        ) as _invalid__{{ column.name }},
        {%- endif %}
        {%- endfor %}
        {{ dbt.concat(key_text_parts(spec.key, 'numbered_copies')) }} as _row_key
    from numbered_copies
)

select * from final
{%- endmacro %}


{#- The key of a row as text (composite keys joined with '|'), as the quarantine reports it. -#}
{% macro key_text_parts(key_columns, relation_alias) %}
    {%- set parts = [] -%}
    {%- for column in key_columns -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append("coalesce(cast(" ~ relation_alias ~ "." ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ return(parts) }}
{% endmacro %}
