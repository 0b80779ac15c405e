-- Every raw work_order_lines row, typed, with its row identity (macros/quarantine/raw_rows_typed.sql).
{{ raw_rows_typed('work_order_lines') }}
