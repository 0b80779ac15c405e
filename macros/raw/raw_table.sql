{#-
    The landing switch: where a raw table is read from.

    Without AFTERSALES_RAW_DIR the raw tables are the demo seeds (`seeds/raw/`, loaded as text).
    With AFTERSALES_RAW_DIR=<dir>, each table is read from `<dir>/<table>.parquet`,
    `<dir>/<table>.csv`, or a folder `<dir>/<table>/` of Parquet or CSV part files, with the
    engine's own reader (no dbt seed). Models never change: they call raw_table(name).
-#}

{% macro raw_landing_dir() %}
    {{ return(env_var('AFTERSALES_RAW_DIR', '') | trim) }}
{% endmacro %}


{% macro raw_table(table_name) %}
    {% set landing_dir = raw_landing_dir() %}
    {% if landing_dir == '' %}
        {{ return(ref(table_name)) }}
    {% endif %}
    {% if not execute %}
        {#- Parsing: the files are looked up at run time. -#}
        {{ return("(select 1 as parsing_placeholder)") }}
    {% endif %}
    {{ return(landing_reader(table_name, landing_dir)) }}
{% endmacro %}


{#- Which landing files hold a table: exactly one layout must match. -#}
{% macro landing_files(table_name, landing_dir) %}
    {{ return(adapter.dispatch('landing_files', 'aftersales')(table_name, landing_dir)) }}
{% endmacro %}

{% macro duckdb__landing_files(table_name, landing_dir) %}
    {% set base = landing_dir.rstrip('/') ~ '/' ~ table_name %}
    {% set layouts = [
        ['parquet', base ~ '.parquet'],
        ['csv', base ~ '.csv'],
        ['parquet', base ~ '/*.parquet'],
        ['csv', base ~ '/*.csv'],
    ] %}
    {% set found = [] %}
    {% for layout in layouts %}
        {% set result = run_query("select file from glob('" ~ layout[1] ~ "') order by file") %}
        {% if result.rows | length > 0 %}
            {% do found.append({'format': layout[0], 'pattern': layout[1],
                                'files': result.columns[0].values() | list}) %}
        {% endif %}
    {% endfor %}
    {% if found | length == 0 %}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ table_name ~ "' is missing: AFTERSALES_RAW_DIR=" ~ landing_dir
            ~ " holds none of " ~ table_name ~ ".parquet, " ~ table_name ~ ".csv or a folder "
            ~ table_name ~ "/ of .parquet or .csv parts.") }}
    {% endif %}
    {% if found | length > 1 %}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ table_name ~ "' is ambiguous in AFTERSALES_RAW_DIR=" ~ landing_dir
            ~ ": found " ~ (found | map(attribute='pattern') | join(' and '))
            ~ ". Keep exactly one of them.") }}
    {% endif %}
    {{ return(found[0]) }}
{% endmacro %}


{% macro landing_reader(table_name, landing_dir) %}
    {{ return(adapter.dispatch('landing_reader', 'aftersales')(table_name, landing_dir)) }}
{% endmacro %}

{% macro duckdb__landing_reader(table_name, landing_dir) %}
    {% set found = landing_files(table_name, landing_dir) %}
    {% set file_list = "['" ~ (found.files | join("', '")) ~ "']" %}
    {% if found.format == 'parquet' %}
        {{ return("read_parquet(" ~ file_list ~ ", union_by_name = true)") }}
    {% else %}
        {#- Every CSV field is read as text: typing and its failures belong to the base models,
            so a malformed value is quarantined with a reason instead of failing the load. -#}
        {{ return("read_csv(" ~ file_list ~ ", header = true, delim = ',', quote = '\"', "
                  ~ "escape = '\"', all_varchar = true, union_by_name = true)") }}
    {% endif %}
{% endmacro %}


{#-
    Stops the build when a raw table lacks a contract column, naming the table and the columns.
    Extra columns are allowed (exports grow) and ignored.
-#}
{% macro assert_raw_columns(table_name, relation_sql) %}
    {% if not execute %}{{ return('') }}{% endif %}
    {% set expected = raw_table_contract(table_name).columns | map(attribute='name') | list %}
    {% set described = run_query("select * from " ~ relation_sql ~ " as raw_rows limit 0") %}
    {% set present = described.column_names | map('lower') | list %}
    {% set missing = [] %}
    {% for column in expected %}
        {% if column not in present %}{% do missing.append(column) %}{% endif %}
    {% endfor %}
    {% if missing | length > 0 %}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ table_name ~ "' is missing column(s) " ~ (missing | join(', '))
            ~ " required by the raw data contract (RAW_DATA.md). Columns found: "
            ~ (present | join(', ')) ~ ".") }}
    {% endif %}
    {{ return('') }}
{% endmacro %}
