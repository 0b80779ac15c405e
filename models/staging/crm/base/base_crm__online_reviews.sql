-- Every raw online_reviews row, typed, with its row identity (macros/quarantine/raw_rows_typed.sql).
{{ raw_rows_typed('online_reviews') }}
