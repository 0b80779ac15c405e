"""Bad rows are set aside, never lost: on a data set with every kind of bad row injected at known
counts (generator --dirty), the quarantine holds exactly the injected rows, by table, rule and
column, and every table reconciles (rows in = rows staged + rows set aside). The build itself
runs every dbt test, so staging stays clean on dirty input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .dbt_project_runner import Warehouse


def _expected(dirty_dir: Path) -> dict:
    return json.loads((dirty_dir / "_dirty_counts.json").read_text())


def test_quarantine_holds_exactly_the_injected_rows(
    dirty_dir: Path, dirty_warehouse: Warehouse
) -> None:
    expected: Counter = Counter()
    for entry in _expected(dirty_dir)["expected"]:
        expected[(entry["table"], entry["rule"], entry["column"])] += entry["count"]
    found = Counter(
        {
            (table, rule, column): count
            for table, rule, column, count in dirty_warehouse.query(
                "select table_name, rule, column_name, count(*) "
                "from data_quality.fct_quarantined_rows group by all"
            )
        }
    )
    assert found == expected
    assert len({rule for _, rule, _ in expected}) == 10, "every rule of the catalog is exercised"


def test_every_table_reconciles_with_the_injection_report(
    dirty_dir: Path, dirty_warehouse: Warehouse
) -> None:
    reported = _expected(dirty_dir)["tables"]
    reconciliation = {
        table: (rows_in, rows_staged, rows_set_aside)
        for table, rows_in, rows_staged, rows_set_aside in dirty_warehouse.query(
            "select table_name, rows_in, rows_staged, rows_set_aside "
            "from data_quality.fct_raw_row_reconciliation"
        )
    }
    assert set(reconciliation) == set(reported)
    for table, counts in reported.items():
        assert reconciliation[table] == (
            counts["rows_total"],
            counts["rows_staged"],
            counts["rows_set_aside"],
        ), table
        rows_in, rows_staged, rows_set_aside = reconciliation[table]
        assert rows_in == rows_staged + rows_set_aside


def test_quarantined_rows_say_why_and_keep_their_values(dirty_warehouse: Warehouse) -> None:
    rows = dirty_warehouse.query(
        "select table_name, row_key, detail, raw_values from data_quality.fct_quarantined_rows"
    )
    assert rows
    for table_name, row_key, detail, raw_values in rows:
        assert table_name and row_key and detail
        assert json.loads(raw_values), table_name
