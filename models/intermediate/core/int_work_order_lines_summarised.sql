-- One row per work order that has lines: revenue, cost and hours by category and line type,
-- and the advisor's recommendations. Declined lines are neither billed nor performed, so only
-- accepted lines count towards cost and sold hours (docs/decisions.md D10).
with

lines as (
    select * from {{ ref('stg_dms__work_order_lines') }}
),

accepted_part_lines_by_supplier as (
    select
        work_order_id,
        supplier_id,
        sum(cost_amount) as supplier_part_cost
    from lines
    where is_accepted and line_type = 'part' and supplier_id is not null
    group by work_order_id, supplier_id
),

-- The order's main supplier (largest part cost; ties to the smallest id) for comeback drill-down.
main_suppliers as (
    select
        work_order_id,
        supplier_id as main_supplier_id
    from (
        select
            work_order_id,
            supplier_id,
            row_number() over (
                partition by work_order_id
                order by supplier_part_cost desc, supplier_id
            ) as supplier_rank
        from accepted_part_lines_by_supplier
    ) as ranked_suppliers
    where supplier_rank = 1
),

line_totals as (
    select
        work_order_id,
        sum(net_amount) as revenue,
        sum(case when revenue_category = 'repair' then net_amount else 0 end) as revenue_repair,
        sum(case when revenue_category = 'maintenance' then net_amount else 0 end) as revenue_maintenance,
        sum(case when revenue_category = 'accessory_value_added' then net_amount else 0 end)
            as revenue_accessory_value_added,
        sum(case when is_accepted then cost_amount else 0 end) as direct_cost,
        sum(case when line_type = 'part' then net_amount else 0 end) as parts_revenue,
        sum(case when line_type = 'part' and is_accepted then cost_amount else 0 end) as parts_cost,
        sum(case when line_type = 'labor' then net_amount else 0 end) as labor_revenue,
        sum(case when line_type = 'labor' and is_accepted then cost_amount else 0 end) as labor_cost,
        sum(case when line_type in ('accessory', 'value_added') then net_amount else 0 end)
            as accessory_revenue,
        sum(case when line_type in ('accessory', 'value_added') and is_accepted then cost_amount else 0 end)
            as accessory_cost,
        sum(case when is_accepted then sold_hours else 0 end) as sold_hours,
        sum(case when is_recommended_by_advisor then 1 else 0 end) as recommended_lines,
        sum(case when is_recommended_by_advisor and is_accepted then 1 else 0 end)
            as accepted_recommended_lines,
        -- Every part line counts for availability, declined or not: the part was needed to quote it.
        sum(case when line_type = 'part' then 1 else 0 end) as part_lines,
        sum(case when line_type = 'part' and is_part_in_stock then 1 else 0 end) as part_lines_in_stock,
        max(case when line_type in ('accessory', 'value_added') and is_accepted then 1 else 0 end)
            as has_accepted_value_added
    from lines
    group by work_order_id
),

final as (
    select
        line_totals.*,
        main_suppliers.main_supplier_id
    from line_totals
    left join main_suppliers
        on line_totals.work_order_id = main_suppliers.work_order_id
)

select * from final
