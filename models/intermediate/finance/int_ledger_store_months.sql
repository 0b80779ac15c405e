-- One row per store and ledger month: the ledger's accounts summed into the groups of the P&L
-- (RAW_DATA.md "Accounts"), month-end parts inventory and the previous month's.
with

ledger as (
    select * from {{ ref('stg_erp__finance_ledger') }}
),

account_groups as (
    select
        store_id,
        period_month,
        sum(case when account_group = 'revenue' then amount else 0 end) as ledger_revenue,
        sum(case when account_group = 'direct_cost' then amount else 0 end) as direct_cost,
        sum(case when account = 'cogs_parts' then amount else 0 end) as parts_cost,
        sum(case when account_group = 'variable_expense' then amount else 0 end) as variable_expense,
        sum(case when account = 'opex_rework' then amount else 0 end) as rework_expense,
        sum(case when account_group = 'fixed_expense' then amount else 0 end) as fixed_expense,
        sum(case when account_group = 'marketing' then amount else 0 end) as marketing_spend,
        sum(case when account = 'inventory_parts_value' then amount else 0 end) as parts_inventory_value
    from ledger
    group by store_id, period_month
),

final as (
    select
        account_groups.*,
        ledger_revenue - direct_cost as gross_profit,
        ledger_revenue - direct_cost - variable_expense - fixed_expense as net_profit,
        lag(parts_inventory_value) over (partition by store_id order by period_month)
            as previous_parts_inventory_value,
        lag(period_month) over (partition by store_id order by period_month) as previous_period_month
    from account_groups
)

select * from final
