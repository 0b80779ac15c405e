{#-
    Traffic-light status of a metric value (METRICS.md "Targets, warnings and tiers"):
    insufficient_data when the value is missing or its sample is under the metric's minimum;
    NULL when the metric has no warning lines; otherwise by direction:
      higher_is_better  red below the red line, yellow below the yellow line, else green;
      lower_is_better   mirrored;
      band              red beyond either red line, yellow outside the band, else green.
-#}
{% macro metric_status(value, direction, sample_size, min_sample_size, yellow, red, lower_yellow, lower_red) -%}
    case
        when {{ value }} is null then 'insufficient_data'
        when {{ min_sample_size }} is not null and {{ sample_size }} < {{ min_sample_size }}
            then 'insufficient_data'
        when {{ yellow }} is null and {{ red }} is null then null
        when {{ direction }} = 'higher_is_better' then
            case
                when {{ value }} < {{ red }} then 'red'
                when {{ value }} < {{ yellow }} then 'yellow'
                else 'green'
            end
        when {{ direction }} = 'lower_is_better' then
            case
                when {{ value }} > {{ red }} then 'red'
                when {{ value }} > {{ yellow }} then 'yellow'
                else 'green'
            end
        when {{ direction }} = 'band' then
            case
                when {{ value }} > {{ red }} or {{ value }} < {{ lower_red }} then 'red'
                when {{ value }} > {{ yellow }} or {{ value }} < {{ lower_yellow }} then 'yellow'
                else 'green'
            end
    end
{%- endmacro %}
