with

valid_rows as (
    {{ valid_raw_rows('finance_ledger') }}
),

final as (
    select
        store_id,
        period_month,
        account,
        -- The account groups of RAW_DATA.md, so finance models sum groups, not account lists.
        case
            when account like 'revenue_%' then 'revenue'
            when account like 'cogs_%' then 'direct_cost'
            when account in ('opex_commission', 'opex_rework', 'opex_consumables')
                then 'variable_expense'
            when account in ('opex_rent', 'opex_salaries', 'opex_depreciation', 'opex_other_fixed')
                then 'fixed_expense'
            when account = 'marketing_spend' then 'marketing'
            when account = 'inventory_parts_value' then 'balance'
        end as account_group,
        amount
    from valid_rows
)

select * from final
