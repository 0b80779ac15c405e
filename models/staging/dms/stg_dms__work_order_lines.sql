with

valid_rows as (
    {{ valid_raw_rows('work_order_lines') }}
),

final as (
    select
        line_id,
        work_order_id,
        line_type,
        revenue_category,
        item_code,
        description as item_description,
        quantity,
        sold_hours,
        list_amount,
        discount_amount,
        net_amount,
        cost_amount,
        recommended_by_advisor as is_recommended_by_advisor,
        accepted as is_accepted,
        part_in_stock as is_part_in_stock,
        supplier_id
    from valid_rows
)

select * from final
