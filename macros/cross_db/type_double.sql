{#-
    Double precision float. type_double() renders FLOAT, which DuckDB reads as single
    precision (REAL, ~7 digits): too coarse for money and ratios of money.
-#}
{% macro type_double() %}
    {{ return(adapter.dispatch('type_double', 'aftersales')()) }}
{% endmacro %}

{% macro default__type_double() %}{{ return('double precision') }}{% endmacro %}

{% macro duckdb__type_double() %}{{ return('double') }}{% endmacro %}

{% macro spark__type_double() %}{{ return('double') }}{% endmacro %}
