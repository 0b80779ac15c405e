"""Every model, seed, column, macro and generic test of the project is described: the docs site is
where users audit a number, so nothing in it may be blank."""

from __future__ import annotations

import json

import pytest

from .dbt_project_runner import Warehouse


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    warehouse = Warehouse(tmp_path_factory.mktemp("parse"))
    warehouse.dbt("parse")
    return json.loads((warehouse.work_dir / "target" / "manifest.json").read_text())


def _own(resources: dict) -> dict:
    return {key: value for key, value in resources.items() if value["package_name"] == "aftersales"}


def test_every_model_and_seed_and_column_is_described(manifest: dict) -> None:
    documented = [
        node
        for node in _own(manifest["nodes"]).values()
        if node["resource_type"] in ("model", "seed")
    ]
    assert len(documented) > 80
    undescribed = [node["name"] for node in documented if not node["description"].strip()]
    assert undescribed == []
    columns_undescribed = [
        f"{node['name']}.{name}"
        for node in documented
        for name, column in node["columns"].items()
        if not column["description"].strip()
    ]
    assert columns_undescribed == []
    models_without_columns = [
        node["name"]
        for node in documented
        if node["resource_type"] == "model" and not node["columns"]
    ]
    assert models_without_columns == []


def test_every_macro_and_generic_test_is_described(manifest: dict) -> None:
    macros = _own(manifest["macros"])
    assert any(name.endswith(".test_expression_is_true") for name in macros)
    undescribed = sorted(
        macro["name"] for macro in macros.values() if not macro["description"].strip()
    )
    assert undescribed == []
