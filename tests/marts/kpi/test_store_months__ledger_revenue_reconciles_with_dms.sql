-- Lists the store-months whose ledger revenue is more than 1% away from the DMS revenue
-- (METRICS.md finance_dms_gap, "ledger revenue reconciles with DMS revenue per store and
-- month"). Severity warn, on purpose: a booking gap is a finding for finance to act on, shown on
-- the board (finance_dms_gap turns red), not a reason to withhold every other number.
{{ config(severity='warn') }}
select
    store_id,
    month_start,
    ledger_revenue,
    revenue as dms_revenue,
    ledger_revenue / nullif(revenue, 0) - 1 as gap
from {{ ref('fct_store_monthly_revenue_structure') }}
where ledger_revenue is not null
    and (revenue = 0 or abs(ledger_revenue / revenue - 1) > 0.01)
