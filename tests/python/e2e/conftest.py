"""Fixtures for end-to-end builds of the dbt project (marked `e2e`: they take minutes)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .dbt_project_runner import PROJECT_DIR, Warehouse

GENERATOR = PROJECT_DIR / "scripts" / "generate_data.py"
DEMO_ARGS = ["--stores", "6", "--months", "24", "--start", "2024-01", "--seed", "42"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.e2e)


def generate(out_dir: Path, *extra: str) -> Path:
    """Runs the generator CLI (as a user would) into out_dir."""
    subprocess.run(
        [sys.executable, str(GENERATOR), *extra, "--out", str(out_dir), "--quiet"],
        cwd=PROJECT_DIR,
        check=True,
    )
    return out_dir


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The README's build: dbt build (seeds, models and every dbt test) on the demo seeds."""
    warehouse = Warehouse(tmp_path_factory.mktemp("seed_build"))
    warehouse.dbt("build")
    return warehouse


@pytest.fixture(scope="session")
def demo_parquet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set regenerated as Parquet landing files."""
    return generate(tmp_path_factory.mktemp("demo_parquet"), *DEMO_ARGS, "--format", "parquet")


@pytest.fixture(scope="session")
def demo_csv_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set regenerated as CSV, to compare with the committed seeds."""
    return generate(tmp_path_factory.mktemp("demo_csv"), *DEMO_ARGS, "--format", "csv")


@pytest.fixture(scope="session")
def landing_warehouse(
    tmp_path_factory: pytest.TempPathFactory, demo_parquet_dir: Path
) -> Warehouse:
    """The same demo data read from Parquet landing files (no dbt seed)."""
    warehouse = Warehouse(tmp_path_factory.mktemp("landing_build"), raw_dir=demo_parquet_dir)
    warehouse.dbt("build")
    return warehouse


@pytest.fixture(scope="session")
def dirty_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small data set with every kind of bad row injected at known counts."""
    out_dir = tmp_path_factory.mktemp("dirty_csv")
    return generate(
        out_dir,
        *["--stores", "3", "--months", "4", "--start", "2024-01", "--seed", "7"],
        *["--format", "csv", "--dirty"],
    )


@pytest.fixture(scope="session")
def dirty_warehouse(tmp_path_factory: pytest.TempPathFactory, dirty_dir: Path) -> Warehouse:
    warehouse = Warehouse(tmp_path_factory.mktemp("dirty_build"), raw_dir=dirty_dir)
    warehouse.dbt("build")
    return warehouse


@pytest.fixture()
def landing_copy(tmp_path: Path, demo_csv_dir: Path) -> Path:
    """A writable copy of the demo CSV landing files, for tests that break them."""
    target = tmp_path / "landing"
    shutil.copytree(demo_csv_dir, target)
    return target
