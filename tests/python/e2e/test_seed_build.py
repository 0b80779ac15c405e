"""The README's build command on the shipped demo seeds: everything builds, every dbt test passes,
and the clean demo data loses nothing to the quarantine."""

from __future__ import annotations

from .dbt_project_runner import Warehouse


def test_demo_build_creates_staging_and_quarantine_tables(seed_warehouse: Warehouse) -> None:
    staging = seed_warehouse.table_names("staging")
    assert "stg_dms__work_orders" in staging
    assert "base_dms__work_orders_violations" in staging
    assert seed_warehouse.table_names("data_quality") == [
        "fct_quarantined_rows",
        "fct_raw_row_reconciliation",
    ]


def test_every_raw_row_is_accounted_for(seed_warehouse: Warehouse) -> None:
    rows = seed_warehouse.query(
        "select table_name, rows_in, rows_staged, rows_set_aside "
        "from data_quality.fct_raw_row_reconciliation"
    )
    assert len(rows) == 13
    for table_name, rows_in, rows_staged, rows_set_aside in rows:
        assert rows_in == rows_staged + rows_set_aside, table_name
        assert rows_in > 0, f"{table_name} has no demo rows"


def test_clean_demo_data_breaks_no_rule(seed_warehouse: Warehouse) -> None:
    broken = seed_warehouse.query(
        "select table_name, rule, column_name, count(*) from data_quality.fct_quarantined_rows "
        "group by all order by all"
    )
    assert broken == []
