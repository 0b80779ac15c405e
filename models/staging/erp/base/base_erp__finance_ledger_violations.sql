-- The rules each raw finance_ledger row breaks (docs/data_quality_rules.md): the contract's rules
-- plus no_dms_activity, which needs the staged work orders.
with

contract_violations as (
    {{ raw_rule_violations('finance_ledger') }}
),

ledger_rows as (
    select
        _row_id,
        store_id,
        period_month
    from {{ ref('base_erp__finance_ledger') }}
    where _copy_number = 1
),

staged_stores as (
    select store_id from {{ ref('stg_reference__stores') }}
),

months_with_dms_activity as (
    select distinct
        store_id,
        cast({{ dbt.date_trunc('month', 'delivered_at') }} as date) as period_month
    from {{ ref('stg_dms__work_orders') }}
    where is_closed
),

ledger_rows_without_activity as (
    select
        ledger_rows._row_id,
        'finance_ledger' as table_name,
        'no_dms_activity' as rule,
        'period_month' as column_name,
        'no closed work order of this store was delivered in this month' as detail
    from ledger_rows
    inner join staged_stores
        on ledger_rows.store_id = staged_stores.store_id
    left join months_with_dms_activity
        on ledger_rows.store_id = months_with_dms_activity.store_id
        and cast({{ dbt.date_trunc('month', 'ledger_rows.period_month') }} as date)
        = months_with_dms_activity.period_month
    where ledger_rows.period_month is not null
        and months_with_dms_activity.store_id is null
),

final as (
    select * from contract_violations
    union all
    select * from ledger_rows_without_activity
)

select * from final
