-- Every raw vehicles row, typed, with its row identity (macros/quarantine/raw_rows_typed.sql).
{{ raw_rows_typed('vehicles') }}
