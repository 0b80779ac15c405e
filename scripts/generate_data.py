"""Generate the synthetic raw exports of an after-sales network (see ../shared/RAW_DATA.md).

    python scripts/generate_data.py --stores 6 --months 24 --start 2024-01 --seed 42 \\
        --format csv --out data/raw [--parts 4] [--dirty [--dirty-scale 2]] [--quiet]

Writes the 13 contract tables, ``_manifest.json`` (what the simulation planted, row counts,
format and seed: no timings, so identical arguments give identical files) and, with ``--dirty``,
``_dirty_counts.json`` (what the warehouse's quarantine must find). Progress goes to stderr, the
summary to stdout. Exit code 2 for bad arguments, 1 when generation fails.

Each step draws from its own child of ``default_rng(seed)``, so ``--dirty`` adds bad rows without
changing a single clean row.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

SCRIPTS_DIR = Path(__file__).resolve().parent
if str(SCRIPTS_DIR) not in sys.path:  # run as a file: make the datagen package importable
    sys.path.insert(0, str(SCRIPTS_DIR))

MANIFEST_FILE = "_manifest.json"
DIRTY_COUNTS_FILE = "_dirty_counts.json"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str) -> date:
    """``YYYY-MM`` → first day of that month (argparse turns the error into exit code 2)."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM (e.g. 2024-01), got {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _at_least(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value

    return parse


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_data.py",
        description="Generate the synthetic raw DMS/CRM/ERP exports of an after-sales network.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--stores", type=_at_least(1), default=6, help="number of stores (>= 1)")
    parser.add_argument(
        "--months", type=_at_least(1), default=24, help="months of DMS activity (>= 1)"
    )
    parser.add_argument("--start", type=_month, default="2024-01", help="first month, YYYY-MM")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    parser.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", dest="fmt", help="file format"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--parts",
        type=_at_least(1),
        default=1,
        help="split every table into a folder of this many part files (default 1: one file)",
    )
    parser.add_argument(
        "--dirty", action="store_true", help="inject bad rows of every data-quality rule"
    )
    parser.add_argument(
        "--dirty-scale",
        type=_positive_float,
        default=None,
        help="multiply the number of bad rows of each kind (needs --dirty; default 1)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser


class _Progress:
    """One plain-text line per step on stderr, with the time since start."""

    def __init__(self, quiet: bool, stream: TextIO) -> None:
        self.quiet = quiet
        self.stream = stream
        self.started = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def step(self, message: str) -> None:
        if not self.quiet:
            print(f"[{self.elapsed():7.1f}s] {message}", file=self.stream, flush=True)


def merge_manifests(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """Recursive merge (later parts win on scalar clashes), so both simulations' entries land in
    one manifest even when they share a top-level section."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = merge_manifests(merged[key], value)
            else:
                merged[key] = value
    return merged


def generate(args: argparse.Namespace, progress: _Progress) -> dict[str, int]:
    """Run the pipeline; returns rows written per table."""
    import numpy as np

    from datagen.config import GeneratorConfig
    from datagen.schema import TABLES
    from datagen.writers import write_json, write_tables

    dms = importlib.import_module("datagen.dms")
    crm_erp = importlib.import_module("datagen.crm_erp")

    config = GeneratorConfig(
        stores=args.stores, months=args.months, start=args.start, seed=args.seed
    )
    dms_rng, crm_rng, dirty_rng = np.random.default_rng(args.seed).spawn(3)

    progress.step(
        f"simulating DMS: {config.stores} stores, {config.months} months from {config.start:%Y-%m}"
    )
    world = dms.simulate_dms(config, dms_rng)
    progress.step("simulating CRM and ERP")
    crm = crm_erp.simulate_crm_erp(config, world, crm_rng)
    tables = {**world.tables, **crm.tables}
    missing = [t.name for t in TABLES if t.name not in tables]
    if missing:
        raise RuntimeError(f"the simulation produced no table(s): {', '.join(missing)}")
    tables = {t.name: tables[t.name] for t in TABLES}

    report = None
    if args.dirty:
        from datagen.dirty import inject_bad_rows

        progress.step(f"injecting bad rows (scale {args.dirty_scale:g})")
        tables, report = inject_bad_rows(tables, dirty_rng, scale=args.dirty_scale)

    total = sum(len(frame) for frame in tables.values())
    parts = f" in {args.parts} parts each" if args.parts > 1 else ""
    progress.step(
        f"writing {len(tables)} tables, {total:,} rows, as {args.fmt}{parts} to {args.out}"
    )
    row_counts = write_tables(tables, args.out, args.fmt, parts=args.parts)

    manifest = merge_manifests(
        world.manifest,
        crm.manifest,
        {
            "row_counts": row_counts,
            "format": args.fmt,
            "seed": args.seed,
            "generator": {
                "stores": args.stores,
                "months": args.months,
                "start": f"{args.start:%Y-%m}",
                "parts": args.parts,
                "dirty": args.dirty,
                "dirty_scale": args.dirty_scale if args.dirty else None,
            },
        },
    )
    write_json(manifest, args.out / MANIFEST_FILE)
    dirty_counts = args.out / DIRTY_COUNTS_FILE
    if report is not None:
        write_json(report.to_dict(), dirty_counts)
    else:
        dirty_counts.unlink(missing_ok=True)  # never leave counts of an earlier dirty run
    progress.step(f"wrote {MANIFEST_FILE}" + (f" and {DIRTY_COUNTS_FILE}" if report else ""))
    return row_counts


def summary(row_counts: Mapping[str, int], seconds: float) -> str:
    """Rows per table, total rows, seconds and rows per second, as a small text table."""
    total = sum(row_counts.values())
    width = max([len(name) for name in row_counts] + [len("total")])
    lines = [f"{name:<{width}}  {rows:>12,}" for name, rows in row_counts.items()]
    lines.append(f"{'total':<{width}}  {total:>12,}")
    rate = total / seconds if seconds > 0 else float("inf")
    lines.append(f"{seconds:.1f} s, {rate:,.0f} rows/s")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parsed arguments; exits with code 2 and a message on bad ones (argparse's convention)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.dirty_scale is not None and not args.dirty:
        parser.error("--dirty-scale needs --dirty")
    if args.dirty_scale is None:
        args.dirty_scale = 1.0
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = _Progress(args.quiet, sys.stderr)
    try:
        row_counts = generate(args, progress)
    except Exception as error:  # report any failure as exit code 1, with its cause
        if not args.quiet:
            traceback.print_exc(file=sys.stderr)
        print(f"generate_data.py: error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(summary(row_counts, progress.elapsed()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
