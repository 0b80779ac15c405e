{#-
    MECE check: within every group, the shares in share_column add up to 1 (within tolerance).
    Fails with each group whose shares do not, e.g. comeback reasons of a store, month and
    drill-down value whose reason_share total is not 100%.

    Usage:
      data_tests:
        - shares_sum_to_one:
            arguments:
              share_column: reason_share
              group_by_columns: [store_id, month_start, dimension, dimension_value]
-#}
{% test shares_sum_to_one(model, share_column, group_by_columns, tolerance=0.000001) %}
select
    {{ group_by_columns | join(',\n    ') }},
    sum({{ share_column }}) as share_total
from {{ model }}
group by
    {{ group_by_columns | join(',\n    ') }}
having abs(sum({{ share_column }}) - 1) > {{ tolerance }}
{% endtest %}
