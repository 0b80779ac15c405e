"""The generator CLI: arguments, exit codes, the files it writes, determinism.

Most tests run ``main`` in-process with stand-in simulation modules made from the hand-made
fixture, so they do not depend on (or wait for) the real simulation; one end-to-end test runs the
real script in a subprocess when the simulation modules exist.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import generate_data
from conftest import make_clean_tables
from datagen.schema import DMS_SIMULATED_TABLES, TABLES

SCRIPT = Path(generate_data.__file__)


@dataclass
class _World:
    tables: dict[str, pd.DataFrame]
    store_months: pd.DataFrame = field(default_factory=pd.DataFrame)
    manifest: dict = field(default_factory=dict)


@pytest.fixture
def fake_simulation(monkeypatch):
    """Stand-in ``datagen.dms`` / ``datagen.crm_erp`` returning the fixture tables; records the
    generators they were given."""
    calls: dict[str, list] = {"dms": [], "crm": []}

    def simulate_dms(config, rng):
        calls["dms"].append((config, rng.random()))
        tables = make_clean_tables()
        return _World(
            {n: tables[n] for n in DMS_SIMULATED_TABLES},
            manifest={"episodes": {"dms": [1, 2]}, "window": {"start": str(config.start)}},
        )

    def simulate_crm_erp(config, world, rng):
        calls["crm"].append(rng.random())
        tables = make_clean_tables()
        crm = {n: tables[n] for n in tables if n not in DMS_SIMULATED_TABLES}
        return types.SimpleNamespace(tables=crm, manifest={"episodes": {"crm": ["x"]}})

    dms = types.ModuleType("datagen.dms")
    dms.simulate_dms = simulate_dms  # type: ignore[attr-defined]
    crm_erp = types.ModuleType("datagen.crm_erp")
    crm_erp.simulate_crm_erp = simulate_crm_erp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datagen.dms", dms)
    monkeypatch.setitem(sys.modules, "datagen.crm_erp", crm_erp)
    return calls


def _args(out: Path, *extra: str) -> list[str]:
    base = ["--stores", "2", "--months", "3", "--start", "2024-01", "--seed", "9"]
    return [*base, "--out", str(out), *extra]


def _run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300
    )


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------
def test_help_works_as_a_script():
    result = _run_script("--help")
    assert result.returncode == 0
    for option in ("--stores", "--months", "--start", "--seed", "--format", "--out", "--parts"):
        assert option in result.stdout
    assert "--dirty-scale" in result.stdout and "--quiet" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--start", "2024-13"], "YYYY-MM"),
        (["--start", "2024/01"], "YYYY-MM"),
        (["--start", "24-01"], "YYYY-MM"),
        (["--stores", "0"], "must be >= 1"),
        (["--months", "-2"], "must be >= 1"),
        (["--months", "two"], "integer"),
        (["--parts", "0"], "must be >= 1"),
        (["--format", "xlsx"], "invalid choice"),
        (["--dirty", "--dirty-scale", "0"], "must be > 0"),
        (["--dirty-scale", "2"], "--dirty-scale needs --dirty"),
        (["--seed", "1.5"], "invalid int"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        generate_data.main([*_args(tmp_path), *arguments])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_missing_out_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        generate_data.main(["--stores", "1"])
    assert exit_info.value.code == 2
    assert "--out" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Runs with stand-in simulations
# --------------------------------------------------------------------------------------------
def test_run_writes_13_tables_manifest_and_summary(fake_simulation, tmp_path, capsys):
    assert generate_data.main(_args(tmp_path, "--format", "parquet")) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([f"{t.name}.parquet" for t in TABLES] + ["_manifest.json"])
    manifest = json.loads((tmp_path / "_manifest.json").read_text())
    assert manifest["episodes"] == {"dms": [1, 2], "crm": ["x"]}  # both manifests merged
    assert manifest["format"] == "parquet" and manifest["seed"] == 9
    assert manifest["row_counts"]["finance_ledger"] == 60
    assert manifest["generator"]["start"] == "2024-01"
    for table in TABLES:
        path = tmp_path / f"{table.name}.parquet"
        rows = duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchone()[0]
        assert rows == manifest["row_counts"][table.name]
    out, err = capsys.readouterr()
    assert "simulating DMS" in err and "writing 13 tables" in err
    assert "total" in out and "rows/s" in out
    config, _ = fake_simulation["dms"][0]
    assert (config.stores, config.months, str(config.start)) == (2, 3, "2024-01-01")


def test_dirty_run_adds_counts_and_leaves_clean_data_and_streams_alone(
    fake_simulation, tmp_path, capsys
):
    clean_dir, dirty_dir = tmp_path / "clean", tmp_path / "dirty"
    assert generate_data.main(_args(clean_dir, "--quiet")) == 0
    assert generate_data.main(_args(dirty_dir, "--quiet", "--dirty", "--parts", "2")) == 0
    assert capsys.readouterr() == ("", "")  # --quiet
    assert fake_simulation["dms"][0][1] == fake_simulation["dms"][1][1]  # same child stream
    assert fake_simulation["crm"][0] == fake_simulation["crm"][1]
    # Each step has its own child stream of default_rng(seed), not a shared generator.
    dms_stream, crm_stream, _ = np.random.default_rng(9).spawn(3)
    assert fake_simulation["dms"][0][1] == dms_stream.random()
    assert fake_simulation["crm"][0] == crm_stream.random()
    counts = json.loads((dirty_dir / "_dirty_counts.json").read_text())
    manifest = json.loads((dirty_dir / "_manifest.json").read_text())
    for table in TABLES:
        assert counts["tables"][table.name]["rows_total"] == manifest["row_counts"][table.name]
        parts = sorted((dirty_dir / table.name).glob("part-*.csv"))
        assert len(parts) == 2
    clean_lines = set((clean_dir / "surveys.csv").read_text().splitlines())
    dirty_lines = "".join(p.read_text() for p in sorted((dirty_dir / "surveys").iterdir()))
    assert clean_lines <= set(dirty_lines.splitlines())
    # A later clean run in the same folder must not leave the old counts behind.
    assert generate_data.main(_args(dirty_dir, "--quiet")) == 0
    assert not (dirty_dir / "_dirty_counts.json").exists()
    assert (dirty_dir / "surveys.csv").exists() and not (dirty_dir / "surveys").exists()


def test_identical_arguments_give_identical_files(fake_simulation, tmp_path):
    for name in ("a", "b"):
        assert generate_data.main(_args(tmp_path / name, "--quiet", "--dirty")) == 0
    files_a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    files_b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert files_a == files_b and len(files_a) == 15


def test_failure_exits_1_with_the_cause(monkeypatch, tmp_path, capsys):
    broken = types.ModuleType("datagen.dms")

    def simulate_dms(config, rng):
        raise RuntimeError("no stores to simulate")

    broken.simulate_dms = simulate_dms  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "datagen.dms", broken)
    monkeypatch.setitem(sys.modules, "datagen.crm_erp", types.ModuleType("datagen.crm_erp"))
    assert generate_data.main(_args(tmp_path)) == 1
    assert "error: no stores to simulate" in capsys.readouterr().err


def test_merge_manifests_is_recursive():
    merged = generate_data.merge_manifests({"a": {"x": 1}, "b": 1}, {"a": {"y": 2}, "b": 3})
    assert merged == {"a": {"x": 1, "y": 2}, "b": 3}


# --------------------------------------------------------------------------------------------
# End to end with the real simulation
# --------------------------------------------------------------------------------------------
_SIMULATION = all(importlib.util.find_spec(m) for m in ("datagen.dms", "datagen.crm_erp"))


@pytest.mark.skipif(not _SIMULATION, reason="datagen.dms / datagen.crm_erp not written yet")
def test_tiny_real_run_writes_all_files(tmp_path):
    args = ["--stores", "1", "--months", "2", "--seed", "1", "--out", str(tmp_path)]
    result = _run_script(*args, "--dirty")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {f"{t.name}.csv" for t in TABLES} | {"_manifest.json", "_dirty_counts.json"}
    manifest = json.loads((tmp_path / "_manifest.json").read_text())
    for table in TABLES:
        lines = (tmp_path / f"{table.name}.csv").read_bytes().count(b"\n")
        rows = duckdb.sql(
            f"select count(*) from read_csv('{tmp_path / table.name}.csv', all_varchar = true)"
        ).fetchone()[0]
        assert rows == manifest["row_counts"][table.name] <= lines - 1
    assert np.sum(list(manifest["row_counts"].values())) > 100
    assert "rows/s" in result.stdout
