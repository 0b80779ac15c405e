{#-
    Fails with the rows for which the SQL expression is not true (NULL counts as not true).
    Usable on a model or, for readability, under the column the expression is about.
-#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce({{ expression }}, false)
{% endtest %}
