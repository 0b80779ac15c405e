{#-
    Metric ids of each KPI layer, in the order the scorecards show them. The wide marts pivot
    fct_metric_values with these lists, so a scorecard column is the BI contract's value, never
    a second computation.
-#}
{% macro layer_metric_ids(layer) %}
    {% set layers = {
        'efficiency': [
            'bay_utilization', 'labor_utilization', 'technician_efficiency', 'entries',
            'entries_per_bay_day', 'appointment_rate', 'online_booking_share',
            'avg_reception_wait_minutes', 'avg_reception_minutes', 'avg_wait_to_service_hours',
        ],
        'quality': [
            'ftfr', 'comeback_rate', 'comeback_flag_accuracy', 'diagnosis_accuracy',
            'parts_availability', 'on_time_delivery_rate',
        ],
        'satisfaction': [
            'nps', 'csi', 'first_visit_satisfaction', 'advisor_satisfaction', 'experience_score',
            'survey_response_rate', 'complaint_rate', 'complaint_response_1h_rate',
            'complaint_resolution_24h_rate', 'online_positive_rate', 'online_review_response_rate',
        ],
        'finance': [
            'revenue', 'revenue_share_repair', 'revenue_share_maintenance', 'revenue_share_accessory',
            'atv', 'gross_margin', 'parts_gross_margin', 'labor_gross_margin', 'accessory_gross_margin',
            'net_margin', 'variable_cost_ratio', 'rework_cost_ratio', 'fixed_cost_ratio',
            'revenue_per_sqm', 'revenue_yoy_growth', 'inventory_turnover', 'finance_dms_gap',
        ],
        'fixed_operations': [
            'hours_per_ro', 'effective_labor_rate', 'technician_proficiency',
            'customer_pay_hours_mix', 'parts_to_labor_ratio', 'service_absorption_rate',
        ],
        'people': ['technician_attrition_rate'],
    } %}
    {% if layer not in layers %}
        {{ exceptions.raise_compiler_error("Unknown KPI layer '" ~ layer ~ "'") }}
    {% endif %}
    {{ return(layers[layer]) }}
{% endmacro %}


{#- One value column and one status column per metric, from rows of fct_metric_values. -#}
{% macro pivot_metric_values(metric_ids, relation_alias='metric_values') %}
    {%- for metric_id in metric_ids %}
        max(case when {{ relation_alias }}.metric_id = '{{ metric_id }}' then {{ relation_alias }}.value end)
            as {{ metric_id }},
        max(case when {{ relation_alias }}.metric_id = '{{ metric_id }}' then {{ relation_alias }}.status end)
            as {{ metric_id }}_status{{ ',' if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#- A store-month scorecard: one row per store and month, the given layers' metrics as columns. -#}
{% macro store_month_scorecard(layers) %}
    {%- set metric_ids = [] -%}
    {%- for layer in layers -%}
        {%- do metric_ids.extend(layer_metric_ids(layer)) -%}
    {%- endfor %}
with

metric_values as (
    select * from {{ ref('fct_metric_values') }}
    where entity_type = 'store'
        and period_type = 'month'
),

store_months as (
    select * from {{ ref('int_store_months') }}
),

pivoted as (
    select
        metric_values.entity_id as store_id,
        metric_values.period_start as month_start,
        {{ pivot_metric_values(metric_ids) }}
    from metric_values
    group by metric_values.entity_id, metric_values.period_start
),

final as (
    select
        store_months.store_id,
        store_months.month_start,
        store_months.region,
        store_months.city,
        store_months.maturity_tier,
        {%- for metric_id in metric_ids %}
        pivoted.{{ metric_id }},
        pivoted.{{ metric_id }}_status{{ ',' if not loop.last }}
        {%- endfor %}
    from store_months
    left join pivoted
        on store_months.store_id = pivoted.store_id
        and store_months.month_start = pivoted.month_start
)

select * from final
{%- endmacro %}
