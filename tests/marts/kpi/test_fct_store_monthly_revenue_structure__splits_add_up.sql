-- Every MECE split of a store-month's revenue adds up to its revenue (category, payer, line
-- type, new vs returning customers), entries split into new + returning, and the profit
-- identities hold: gross profit = revenue − direct cost (DMS and ledger), net profit = gross
-- profit − variable − fixed expense (ledger). Money is compared to the cent.
select *
from {{ ref('fct_store_monthly_revenue_structure') }}
where abs(revenue - (revenue_repair + revenue_maintenance + revenue_accessory_value_added)) > 0.005
    or abs(revenue - (revenue_customer_paid + revenue_warranty_paid + revenue_insurance_paid
        + revenue_internal_paid)) > 0.005
    or abs(revenue - (revenue_parts + revenue_labor + revenue_accessory_lines)) > 0.005
    or abs(revenue - (revenue_new_customers + revenue_returning_customers)) > 0.005
    or entries <> new_customer_entries + returning_customer_entries
    or abs(direct_cost - (direct_cost_parts + direct_cost_labor + direct_cost_accessory_lines)) > 0.005
    or abs(gross_profit - (revenue - direct_cost)) > 0.005
    or abs(ledger_gross_profit - (ledger_revenue - ledger_direct_cost)) > 0.005
    or abs(ledger_net_profit - (ledger_gross_profit - ledger_variable_expense - ledger_fixed_expense)) > 0.005
