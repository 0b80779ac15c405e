"""The dictionary's `grains` column tells a user at which entities and periods a metric exists.
For every published metric it must say exactly what fct_metric_values holds."""

from __future__ import annotations

import csv

from .dbt_project_runner import PROJECT_DIR, Warehouse

ENTITY_ORDER = ["network", "region", "city", "store", "advisor", "technician"]
PERIOD_ORDER = ["day", "week", "month"]


def describe_grains(pairs: set[tuple[str, str]]) -> str:
    """'store: day, week, month; advisor: month' from (entity_type, period_type) pairs."""
    parts = []
    for entity in ENTITY_ORDER:
        periods = [period for period in PERIOD_ORDER if (entity, period) in pairs]
        if periods:
            parts.append(f"{entity}: {', '.join(periods)}")
    return "; ".join(parts)


def test_dictionary_grains_describe_the_published_rows(seed_warehouse: Warehouse) -> None:
    published: dict[str, set[tuple[str, str]]] = {}
    for metric_id, entity_type, period_type in seed_warehouse.query(
        "select distinct metric_id, entity_type, period_type from marts.fct_metric_values"
    ):
        published.setdefault(metric_id, set()).add((entity_type, period_type))
    with (PROJECT_DIR / "seeds" / "reference" / "metric_dictionary.csv").open(
        encoding="utf-8"
    ) as f:
        declared = {row["metric_id"]: row["grains"] for row in csv.DictReader(f)}
    assert published
    for metric_id, pairs in published.items():
        assert declared[metric_id] == describe_grains(pairs), metric_id
