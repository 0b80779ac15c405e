"""The demo data's planted episodes come through the warehouse: applying METRICS.md's five
diagnosis patterns to the store-month KPI mart finds exactly the patterns the generator's manifest
planted in the core months of each episode, and none anywhere else (ramp and recovery months
included). The diagnosis marts of a later issue must reproduce this; the test pins the data."""

from __future__ import annotations

import json

from .dbt_project_runner import PROJECT_DIR, Warehouse

PATTERNS = {
    "over_efficiency": "(bay_utilization > 0.75 or technician_efficiency > 1.30) "
    "and (ftfr < 0.85 or comeback_rate > 0.10)",
    "blind_scale": "revenue_yoy_growth > 0.10 and gross_margin < 0.32 and net_margin < 0.05",
    "quality_out_of_control": "ftfr < 0.85 and comeback_rate > 0.10 and nps < 30",
    "poor_experience": "ftfr > 0.88 and nps < 35",
    "cost_out_of_control": "gross_margin > 0.35 and net_margin < 0.05",
}


def test_patterns_found_are_exactly_the_planted_ones(seed_warehouse: Warehouse) -> None:
    manifest = json.loads((PROJECT_DIR / "seeds" / "raw" / "_manifest.json").read_text())
    planted: dict[tuple[str, str], set[str]] = {}
    for episode in manifest["episodes"]:
        for month in episode["months"]["core"]:
            planted.setdefault((episode["store_id"], month), set()).update(
                episode["expected_patterns_in_core_months"]
            )
    found: dict[tuple[str, str], set[str]] = {}
    for pattern, condition in PATTERNS.items():
        for store_id, month_start in seed_warehouse.query(
            f"select store_id, month_start from marts.fct_store_monthly_kpis where {condition}"
        ):
            found.setdefault((store_id, str(month_start)), set()).add(pattern)
    assert {pattern for patterns in planted.values() for pattern in patterns} == set(PATTERNS)
    assert found == planted
