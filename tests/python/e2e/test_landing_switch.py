"""The landing switch: the same models read Parquet or CSV landing files (AFTERSALES_RAW_DIR)
instead of seeds, with identical results, and stop with a clear message when a table or column
is missing."""

from __future__ import annotations

import csv
import filecmp
import json
from pathlib import Path

import pytest

from .dbt_project_runner import PROJECT_DIR, Warehouse

SEED_DIR = PROJECT_DIR / "seeds" / "raw"
TABLES = [path.stem for path in sorted(SEED_DIR.glob("*.csv"))]


def test_committed_seeds_are_the_generator_output(demo_csv_dir: Path) -> None:
    """The demo seeds are exactly what the generator writes for the documented arguments."""
    assert len(TABLES) == 13
    for table in TABLES:
        assert filecmp.cmp(
            SEED_DIR / f"{table}.csv", demo_csv_dir / f"{table}.csv", shallow=False
        ), f"seeds/raw/{table}.csv differs from the generator output: run `make demo-data`"
    committed = json.loads((SEED_DIR / "_manifest.json").read_text())
    regenerated = json.loads((demo_csv_dir / "_manifest.json").read_text())
    assert committed == regenerated


def _staged_tables(warehouse: Warehouse) -> list[str]:
    return [name for name in warehouse.table_names("staging") if name.startswith("stg_")]


def test_landing_build_equals_seed_build(
    seed_warehouse: Warehouse, landing_warehouse: Warehouse
) -> None:
    """Parquet landing files and dbt seeds give identical staged data, and every intermediate
    table and mart is identical to the last bit: the same input always gives the same marts."""
    tables = _staged_tables(seed_warehouse)
    assert tables == _staged_tables(landing_warehouse)
    assert len(tables) == 13
    compared = [f"staging.{name}" for name in tables]
    for schema in ["intermediate", "marts", "data_quality"]:
        names = seed_warehouse.table_names(schema)
        assert names == landing_warehouse.table_names(schema), schema
        compared += [f"{schema}.{name}" for name in names]
    assert "marts.fct_metric_values" in compared
    for relation in compared:
        differences = landing_warehouse.query(
            f"""
            attach '{seed_warehouse.database}' as seed_build (read_only);
            select
                (select count(*) from (
                    select * from seed_build.{relation} except all select * from {relation})),
                (select count(*) from (
                    select * from {relation} except all select * from seed_build.{relation})),
                (select count(*) from {relation})
            """
        )
        only_in_seed, only_in_landing, rows = differences[0]
        assert (only_in_seed, only_in_landing) == (0, 0), relation
        # The clean demo data sets nothing aside; every other relation has rows to compare.
        assert rows > 0 or relation == "data_quality.fct_quarantined_rows", relation


def _drop_column(csv_path: Path, column: str) -> None:
    with csv_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = [name for name in rows[0] if name != column]
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def test_missing_table_stops_the_build_naming_it(tmp_path: Path, landing_copy: Path) -> None:
    (landing_copy / "coupons.csv").unlink()
    result = Warehouse(tmp_path / "build", raw_dir=landing_copy).dbt(
        "run", "--select", "base_crm__coupons", check=False
    )
    assert result.returncode != 0
    assert "Raw table 'coupons' is missing" in result.output


def test_missing_column_stops_the_build_naming_it(tmp_path: Path, landing_copy: Path) -> None:
    _drop_column(landing_copy / "stores.csv", "service_bays")
    result = Warehouse(tmp_path / "build", raw_dir=landing_copy).dbt(
        "run", "--select", "base_reference__stores", check=False
    )
    assert result.returncode != 0
    assert "Raw table 'stores' is missing column(s) service_bays" in result.output


def test_two_layouts_of_one_table_are_refused(tmp_path: Path, landing_copy: Path) -> None:
    (landing_copy / "stores").mkdir()
    (landing_copy / "stores" / "part-00000.csv").write_text(
        (landing_copy / "stores.csv").read_text()
    )
    result = Warehouse(tmp_path / "build", raw_dir=landing_copy).dbt(
        "run", "--select", "base_reference__stores", check=False
    )
    assert result.returncode != 0
    assert "Raw table 'stores' is ambiguous" in result.output


@pytest.mark.parametrize("parts", [1, 3])
def test_a_folder_of_part_files_reads_like_one_file(
    tmp_path: Path, landing_copy: Path, parts: int
) -> None:
    source = landing_copy / "work_orders.csv"
    header, *rows = source.read_text().splitlines(keepends=True)
    source.unlink()
    (landing_copy / "work_orders").mkdir()
    for part in range(parts):
        chunk = rows[part::parts]
        (landing_copy / "work_orders" / f"part-{part:05d}.csv").write_text(header + "".join(chunk))
    warehouse = Warehouse(tmp_path / "build", raw_dir=landing_copy)
    warehouse.dbt("run", "--select", "+base_dms__work_orders")
    assert warehouse.query("select count(*) from staging.base_dms__work_orders") == [(len(rows),)]
