{#- The warehouse type of a raw contract type (RAW_DATA.md: money in CNY with two decimals). -#}
{% macro contract_type(type_name) %}
    {% set types = {
        'varchar': dbt.type_string(),
        'integer': dbt.type_int(),
        'decimal': 'decimal(18,2)',
        'date': 'date',
        'timestamp': dbt.type_timestamp(),
        'boolean': dbt.type_boolean(),
    } %}
    {% if type_name not in types %}
        {{ exceptions.raise_compiler_error("Unknown contract type '" ~ type_name ~ "'") }}
    {% endif %}
    {{ return(types[type_name]) }}
{% endmacro %}
