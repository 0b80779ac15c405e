"""The raw contract is declared twice, for SQL (macros/raw/raw_contract.sql) and for Python
(scripts/datagen/schema.py, rules.py): these tests keep the two declarations identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from datagen.schema import ACCEPTED_VALUES, TABLES, TABLES_BY_NAME

from .dbt_project_runner import PROJECT_DIR, Warehouse


@pytest.fixture(scope="module")
def dbt_contract(tmp_path_factory: pytest.TempPathFactory) -> dict:
    warehouse = Warehouse(tmp_path_factory.mktemp("contract"))
    output = warehouse.dbt("run-operation", "print_raw_contract_json", "--quiet").output
    json_lines = [line for line in output.splitlines() if line.startswith("{")]
    assert len(json_lines) == 1, output
    return json.loads(json_lines[0])


def test_same_tables(dbt_contract: dict) -> None:
    assert sorted(dbt_contract) == sorted(TABLES_BY_NAME)


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_same_columns_types_and_keys(dbt_contract: dict, table) -> None:
    spec = dbt_contract[table.name]
    assert spec["system"] == table.system
    assert tuple(spec["key"]) == table.key
    assert [
        (column["name"], column["type"], column.get("nullable", False))
        for column in spec["columns"]
    ] == [(column.name, column.type, column.nullable) for column in table.columns]


def test_same_code_lists(dbt_contract: dict) -> None:
    from_dbt = {
        (table, column): tuple(values)
        for table, spec in dbt_contract.items()
        for column, values in spec.get("accepted_values", {}).items()
    }
    assert from_dbt == ACCEPTED_VALUES


def test_seed_properties_declare_every_contract_column_as_text() -> None:
    properties = yaml.safe_load((PROJECT_DIR / "seeds" / "raw" / "_raw__seeds.yml").read_text())
    seeds = {seed["name"]: seed for seed in properties["seeds"]}
    assert sorted(seeds) == sorted(TABLES_BY_NAME)
    for table in TABLES:
        column_types = seeds[table.name]["config"]["column_types"]
        assert list(column_types) == table.column_names, table.name
        assert set(column_types.values()) == {"varchar"}, table.name
        documented = [column["name"] for column in seeds[table.name].get("columns", [])]
        assert documented == table.column_names, table.name


def test_seed_files_have_the_contract_header() -> None:
    for table in TABLES:
        path: Path = PROJECT_DIR / "seeds" / "raw" / f"{table.name}.csv"
        header = path.read_text().split("\n", 1)[0].split(",")
        assert header == table.column_names, table.name
