"""Runs the dbt project in isolation for end-to-end tests.

Each build gets its own DuckDB file, target path and log path, so builds on seeds, landing
files and dirty data never share state (nor with a developer's own warehouse).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[3]
DBT = Path(sys.executable).parent / "dbt"


@dataclass(frozen=True)
class DbtResult:
    returncode: int
    output: str


@dataclass(frozen=True)
class Warehouse:
    """One isolated build of the project: a database file plus its dbt target and logs."""

    work_dir: Path
    raw_dir: Path | None = None

    @property
    def database(self) -> Path:
        return self.work_dir / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"AFTERSALES_RAW_DIR", "AFTERSALES_DB"}
        }
        env.update(
            DBT_PROFILES_DIR=str(PROJECT_DIR),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            AFTERSALES_DB=str(self.database),
        )
        if self.raw_dir is not None:
            env["AFTERSALES_RAW_DIR"] = str(self.raw_dir)
        return env

    def dbt(self, *args: str, check: bool = True) -> DbtResult:
        command = [
            str(DBT),
            *args,
            "--target-path",
            str(self.work_dir / "target"),
            "--log-path",
            str(self.work_dir / "logs"),
            "--no-use-colors",
        ]
        completed = subprocess.run(
            command,
            cwd=PROJECT_DIR,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        result = DbtResult(completed.returncode, completed.stdout + completed.stderr)
        if check and result.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.output[-6000:]}")
        return result

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).fetchall()

    def table_names(self, schema: str) -> list[str]:
        rows = self.query(
            "select table_name from information_schema.tables "
            f"where table_schema = '{schema}' order by table_name"
        )
        return [row[0] for row in rows]
