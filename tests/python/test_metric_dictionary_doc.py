"""docs/metric_dictionary.md shows what the seeds define: its table is rendered from them."""

from __future__ import annotations

import render_metric_dictionary as renderer


def test_metric_table_is_rendered_from_the_current_seeds() -> None:
    current = renderer.DOC_PATH.read_text(encoding="utf-8")
    assert current == renderer.rendered_document(), (
        "docs/metric_dictionary.md is out of date: run python scripts/render_metric_dictionary.py"
    )


def test_every_seed_metric_has_a_row() -> None:
    table = renderer.render_table()
    for metric in renderer.read_csv(renderer.SEED_DIR / "metric_dictionary.csv"):
        assert f"| `{metric['metric_id']}` |" in table
