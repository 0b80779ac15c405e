"""The identity, MECE, roll-up and reconciliation tests are not decoration: each one fails when
its identity is broken. Every case breaks one identity in a copy of the demo warehouse and runs
only the test that guards it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from .dbt_project_runner import PROJECT_DIR, Warehouse

FIRST_STORE_MONTH = (
    "store_id = (select min(store_id) from {table}) "
    "and month_start = (select min(month_start) from {table})"
)

BREAKS = {
    "test_fct_store_monthly_revenue_structure__splits_add_up": (
        "update marts.fct_store_monthly_revenue_structure "
        "set revenue_repair = revenue_repair + 100 where "
        + FIRST_STORE_MONTH.format(table="marts.fct_store_monthly_revenue_structure")
    ),
    "test_fct_store_monthly_revenue_structure__matches_metric_values": (
        "update marts.fct_metric_values set value = value + 1 "
        "where metric_id = 'entries' and entity_type = 'store' and period_type = 'month'"
    ),
    "test_fct_metric_values__roll_ups_equal_sum_of_parts": (
        "update marts.fct_metric_values set numerator = numerator + 1 "
        "where metric_id = 'entries' and entity_type = 'network' and period_type = 'month'"
    ),
    "test_fct_metric_values__revenue_tree_adds_up": (
        "update marts.fct_metric_values set value = value + 0.01 "
        "where metric_id = 'revenue_share_repair' and entity_type = 'region'"
    ),
    "test_fct_metric_values__metric_ids_match_dictionary": (
        "delete from marts.fct_metric_values where metric_id = 'ftfr'"
    ),
    "test_fct_store_monthly_experience__nps_shares_add_up": (
        "update marts.fct_store_monthly_experience set passive_share = passive_share + 0.1 "
        "where " + FIRST_STORE_MONTH.format(table="marts.fct_store_monthly_experience")
    ),
    "test_fct_comeback_reasons__reasons_split_comebacks": (
        "update marts.fct_comeback_reasons "
        "set originals_with_comeback_for_reason = originals_with_comeback_for_reason + 1 "
        "where dimension = 'fault_system'"
    ),
    "test_fct_metric_values__diagnosis_accuracy_at_least_ftfr": (
        "update marts.fct_metric_values set value = 1 - value "
        "where metric_id = 'diagnosis_accuracy' and entity_type = 'network'"
    ),
    "test_fct_store_monthly_fixed_operations_by_payer__payers_add_up": (
        "update marts.fct_store_monthly_fixed_operations_by_payer set entries = entries + 1 "
        "where payer = 'warranty'"
    ),
    "fct_raw_row_reconciliation": (
        "update data_quality.fct_raw_row_reconciliation set rows_staged = rows_staged - 1 "
        "where table_name = 'work_orders'"
    ),
}


@pytest.fixture()
def broken_copy(tmp_path: Path, seed_warehouse: Warehouse) -> Warehouse:
    # Same file name as the original: dbt-duckdb names the catalog after the file.
    copy = Warehouse(tmp_path / "broken")
    copy.work_dir.mkdir()
    shutil.copy(seed_warehouse.database, copy.database)
    return copy


def test_the_guarded_identities_hold_on_the_demo_data(seed_warehouse: Warehouse) -> None:
    result = seed_warehouse.dbt("test", "--select", *BREAKS)
    assert result.returncode == 0


@pytest.mark.parametrize("test_name", sorted(BREAKS))
def test_breaking_the_identity_fails_its_test(broken_copy: Warehouse, test_name: str) -> None:
    with duckdb.connect(str(broken_copy.database)) as connection:
        connection.execute(BREAKS[test_name])
    result = broken_copy.dbt("test", "--select", test_name, check=False)
    assert result.returncode != 0, result.output[-3000:]
    assert "FAIL" in result.output


def test_ledger_gaps_outside_one_percent_are_listed(seed_warehouse: Warehouse) -> None:
    result = seed_warehouse.dbt(
        "test", "--select", "test_store_months__ledger_revenue_reconciles_with_dms"
    )
    assert "WARN" in result.output, "the demo data plants ledger gaps: they must be listed"


def test_months_out_of_tolerance_are_exactly_the_planted_ledger_gaps(
    seed_warehouse: Warehouse,
) -> None:
    manifest = json.loads((PROJECT_DIR / "seeds" / "raw" / "_manifest.json").read_text())
    planted = {(gap["store_id"], gap["period_month"]) for gap in manifest["ledger_gaps"]}
    found = {
        (store_id, str(month_start))
        for store_id, month_start in seed_warehouse.query(
            "select store_id, month_start from marts.fct_store_monthly_revenue_structure "
            "where abs(ledger_revenue / revenue - 1) > 0.01"
        )
    }
    assert planted
    assert found == planted
