{#-
    The totals of closed work orders (rows of int_work_orders_enriched) that the layer models
    aggregate by store and day, store and month, advisor or technician. Declared once, so
    "entries", "revenue" or "sold hours" mean the same thing in every layer; each model groups by
    its own grain and uses the columns it needs.
-#}
{% macro work_order_totals() %}
        count(*) as entries,
        sum(case when is_appointment then 1 else 0 end) as appointments,
        sum(case when is_online_booking then 1 else 0 end) as online_bookings,
        sum(reception_wait_minutes) as reception_wait_minutes,
        sum(reception_minutes) as reception_minutes,
        sum(wait_to_service_hours) as wait_to_service_hours,
        sum(case when is_delivered_on_time then 1 else 0 end) as delivered_on_time,
        sum(part_lines) as part_lines,
        sum(part_lines_in_stock) as part_lines_in_stock,
        sum(revenue) as revenue,
        sum(revenue_repair) as revenue_repair,
        sum(revenue_maintenance) as revenue_maintenance,
        sum(revenue_accessory_value_added) as revenue_accessory_value_added,
        sum(direct_cost) as direct_cost,
        sum(parts_revenue) as parts_revenue,
        sum(parts_cost) as parts_cost,
        sum(labor_revenue) as labor_revenue,
        sum(labor_cost) as labor_cost,
        sum(accessory_revenue) as accessory_revenue,
        sum(accessory_cost) as accessory_cost,
        sum(sold_hours) as sold_hours,
        sum(case when payer = 'customer' then sold_hours else 0 end) as customer_paid_sold_hours
{%- endmacro %}
