"""Renders the table of docs/metric_dictionary.md from the two reference seeds.

The seeds (seeds/reference/metric_dictionary.csv, metric_targets.csv) are the definitions; the
document's table is a readable view of them and its "Decisions" section is written by hand.
`python scripts/render_metric_dictionary.py` rewrites everything above "## Decisions";
tests/python/test_metric_dictionary_doc.py fails when the table is out of date.
"""

from __future__ import annotations

import csv
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED_DIR = PROJECT_DIR / "seeds" / "reference"
DOC_PATH = PROJECT_DIR / "docs" / "metric_dictionary.md"
DECISIONS_HEADING = "## Decisions"
DIRECTION_SIGN = {"higher_is_better": "↑", "lower_is_better": "↓", "band": "⇕"}

HEADER = [
    "# Metric dictionary",
    "",
    "Rendered from `seeds/reference/metric_dictionary.csv` and "
    "`seeds/reference/metric_targets.csv` by `scripts/render_metric_dictionary.py` (change the "
    "seeds, then rerun it; a test fails when this table is out of date). The full record of each "
    "metric (definition, formula, numerator, denominator, grains, period rule, data source, "
    "owner, related metrics, improvement actions, minimum sample) is in the dictionary seed "
    "(`reference.metric_dictionary`). Metric definitions follow `METRICS.md`; where it and the "
    "Chinese source documents differ, `METRICS.md` decides.",
    "",
    "Targets use the metric's unit: fractions for ratios (0.95 = 95%), NPS on −100…100. "
    "Direction: ↑ higher is better (yellow below the yellow line, red below the red line), "
    "↓ lower is better (mirrored), ⇕ healthy band (yellow outside the band, red beyond the red "
    "lines). `*` marks a row in which at least one number is an assumption (the seed's `source` "
    "and `note` say which). `–` = no target: the status is empty (NULL).",
]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> str:
    """A threshold as written in the table: 0.68, 90, 1.2 (no trailing zeros)."""
    return f"{float(text):g}"


def target_text(targets: list[dict[str, str]], direction: str) -> str:
    parts = []
    for row in targets:
        target, yellow, red = (
            number(row[column]) for column in ("target", "yellow_threshold", "red_threshold")
        )
        if direction == "higher_is_better":
            text = f"{target} (yellow < {yellow}, red < {red})"
        elif direction == "lower_is_better":
            text = f"{target} (yellow > {yellow}, red > {red})"
        else:
            lower_yellow = number(row["lower_yellow_threshold"])
            lower_red = number(row["lower_red_threshold"])
            text = f"{target} in [{lower_yellow}, {yellow}] (red < {lower_red} or > {red})"
        if row["scope_type"] != "default":
            text = f"{row['scope_type']} {row['scope_value']}: {text}"
        if row["source"] == "assumption":
            text += "*"
        parts.append(text)
    return "; ".join(parts) if parts else "–"


def render_table() -> str:
    metrics = read_csv(SEED_DIR / "metric_dictionary.csv")
    targets = read_csv(SEED_DIR / "metric_targets.csv")
    lines = [
        *HEADER,
        "",
        f"{len(metrics)} metrics, {len(targets)} target rows.",
        "",
        "| metric_id | 中文 | layer | AARRR | pyramid | direction | unit | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for metric in metrics:
        own_targets = [row for row in targets if row["metric_id"] == metric["metric_id"]]
        cells = [
            f"`{metric['metric_id']}`",
            metric["metric_name_zh"],
            metric["layer"],
            metric["aarrr_stage"],
            metric["pyramid_level"].replace("_", " "),
            DIRECTION_SIGN[metric["direction"]],
            metric["unit"],
            target_text(own_targets, metric["direction"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n"


def rendered_document() -> str:
    """The document with a freshly rendered table and its hand-written decisions kept."""
    current = DOC_PATH.read_text(encoding="utf-8")
    return render_table() + current[current.index(DECISIONS_HEADING) :]


if __name__ == "__main__":
    DOC_PATH.write_text(rendered_document(), encoding="utf-8")
    print(f"rewrote {DOC_PATH.relative_to(PROJECT_DIR)}")
