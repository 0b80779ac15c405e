{#-
    Fails with every combination of the given columns that occurs in more than one row: the
    primary-key test of a model whose key spans several columns (technician_time: employee_id and
    work_date; finance_ledger: store_id, period_month and account). Pair it with not_null tests on
    each key column: rows whose key columns are NULL are grouped together here.

    Usage (dbt 1.10+):
      data_tests:
        - unique_combination_of_columns:
            arguments:
              combination_of_columns: [employee_id, work_date]
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(',\n    ') }},
    count(*) as occurrences
from {{ model }}
group by
    {{ combination_of_columns | join(',\n    ') }}
having count(*) > 1
{% endtest %}
