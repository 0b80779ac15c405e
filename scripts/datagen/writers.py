"""Write raw tables as CSV or Parquet in the contract's formats (../shared/RAW_DATA.md).

Why not ``DataFrame.to_csv`` or Arrow's CSV writer: the contract fixes the text of every value
(``YYYY-MM-DD HH:MM:SS``, ``true``/``false``, exactly two decimals, NULL as an unquoted empty
field, quotes only where needed) and the large run is tens of millions of rows. pandas is slow
and prints ``1.5`` for money; Arrow quotes every string. So each column is rendered to text with
Arrow compute kernels, quoted only where a value contains a comma, a quote or a line break, and
the lines are joined in Arrow; the joined buffer is written as is. That is byte-for-byte
deterministic and writes millions of rows a second.

Dirty tables (``dirty.py``) hold raw text such as ``2024-13-40`` in typed columns. Such a value is
written verbatim; in Parquet a table that holds one is written with all-string columns (each
value as its CSV text), because a typed Parquet column cannot hold it.

Rows are written sorted by the table's key (a stable sort, so exact copies and key conflicts keep
their input order), which makes the output independent of how the generator ordered its rows.
"""

from __future__ import annotations

import json
import math
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from datagen.schema import TABLES_BY_NAME, Column, ColumnType, Table

Format = Literal["csv", "parquet"]
FORMATS: Final[tuple[Format, ...]] = ("csv", "parquet")

#: Rows rendered at a time: bounds memory and gives Parquet row groups of this size.
CHUNK_ROWS: Final = 1_000_000

_ARROW_TYPES: Final[dict[ColumnType, pa.DataType]] = {
    "varchar": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.decimal128(18, 2),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
    "boolean": pa.bool_(),
}
_NEEDS_QUOTES: Final = r'[,"\r\n]'


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def write_tables(
    tables: Mapping[str, pd.DataFrame],
    out_dir: Path,
    fmt: Format,
    parts: int = 1,
) -> dict[str, int]:
    """Write every table as ``<table>.<fmt>`` (or ``<table>/part-NNNNN.<fmt>`` when ``parts`` > 1)
    and return the rows written per table.

    Tables must be contract tables (``schema.TABLES``) with all contract columns; columns whose
    name starts with ``_`` are internal and skipped. Earlier output of the same table in another
    layout (single file vs. folder, other format) is removed, so a landing directory never holds
    two versions of a table.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    if parts < 1:
        raise ValueError(f"parts must be >= 1, got {parts}")
    unknown = sorted(set(tables) - set(TABLES_BY_NAME))
    if unknown:
        raise ValueError(f"not contract tables: {unknown}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        name: write_table(tables[name], TABLES_BY_NAME[name], out_dir, fmt, parts)
        for name in sorted(tables)
    }


def write_table(frame: pd.DataFrame, table: Table, out_dir: Path, fmt: Format, parts: int) -> int:
    """Write one table (see ``write_tables``); returns its row count."""
    public = check_columns(frame, table)
    order = sort_order(public, table)
    _remove_previous_output(out_dir, table.name)
    targets = _part_targets(out_dir, table.name, fmt, len(public), parts)
    if fmt == "csv":
        for path, (start, stop) in targets:
            _atomic_write(
                path, lambda f, a=start, b=stop: _write_csv(f, public, table, order, a, b)
            )
    else:
        typed = not any(raw_text_mask(public[c.name], c) is not None for c in table.columns)
        for path, (start, stop) in targets:
            _atomic_write(
                path,
                lambda f, a=start, b=stop: _write_parquet(f, public, table, order, a, b, typed),
            )
    return len(public)


def write_json(obj: Any, path: Path) -> None:
    """Write ``obj`` as JSON with sorted keys and two-space indent, so identical content gives
    identical bytes (manifests are compared across runs). numpy scalars, dates, paths, sets and
    dataclasses are converted; NaN and infinities become null (JSON has no such numbers)."""
    text = json.dumps(_jsonable(obj), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(Path(path), lambda f: f.write((text + "\n").encode("utf-8")))


# --------------------------------------------------------------------------------------------
# Columns → Arrow
# --------------------------------------------------------------------------------------------
def check_columns(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """``frame`` itself once it has every contract column; fails naming the table and column
    when one is missing or an unknown public column is present (it would be silently lost).
    Columns are read by name later, so no copy of a large frame is made here."""
    missing = [name for name in table.column_names if name not in frame.columns]
    if missing:
        raise ValueError(f"table {table.name}: missing column(s) {', '.join(missing)}")
    extra = [
        str(name)
        for name in frame.columns
        if name not in table.column_names and not str(name).startswith("_")
    ]
    if extra:
        raise ValueError(f"table {table.name}: column(s) not in the contract: {', '.join(extra)}")
    return frame


def raw_text_mask(series: pd.Series, column: Column) -> np.ndarray | None:
    """Positions of a non-text column that hold raw text (a dirty value such as ``abc`` in a
    number), or None when there are none. Only object or string columns can hold such text."""
    if column.type == "varchar":
        return None
    if isinstance(series.dtype, pd.StringDtype):
        mask = series.notna().to_numpy()
    elif series.dtype == object:
        values = series.to_numpy(dtype=object)  # iterating numpy is ~20x faster than pandas
        mask = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    else:
        return None
    return mask if mask.any() else None


def typed_array(series: pd.Series, column: Column) -> pa.Array:
    """``series`` as an Arrow array of the column's contract type (raw text must be removed)."""
    if column.type == "varchar":
        return _varchar_array(series)
    if column.type == "boolean":
        booleans = pd.array(series.array, dtype="boolean")
        return pa.array(booleans.to_numpy(bool, na_value=False), mask=booleans.isna())
    if column.type == "integer":
        integers = pd.to_numeric(series).astype("Int64").array
        return pa.array(integers.to_numpy("int64", na_value=0), mask=integers.isna())
    if column.type == "decimal":
        return _decimal_array(pd.to_numeric(series).to_numpy("float64", na_value=np.nan))
    moments = _datetime64(series)
    missing = np.isnat(moments)
    if column.type == "date":
        return pa.array(moments.astype("datetime64[D]"), type=pa.date32(), mask=missing)
    return pa.array(moments, type=pa.timestamp("s"), mask=missing)


def text_array(series: pd.Series, column: Column) -> pa.Array:
    """The column's values as contract text (NULL stays null, raw text is kept verbatim)."""
    return _text_array(series, column, raw_text_mask(series, column))


def _text_array(series: pd.Series, column: Column, mask: np.ndarray | None) -> pa.Array:
    if mask is None:
        typed = typed_array(series, column)
        return typed if column.type == "varchar" else pc.cast(typed, pa.string())
    values = series.to_numpy(dtype=object)
    typed_part = pd.Series(np.where(mask, None, values), dtype=object, name=series.name)
    text = pc.cast(typed_array(typed_part, column), pa.string())
    raw = pa.array(np.where(mask, values, None), type=pa.string())
    return pc.if_else(pa.array(mask), raw, text)


def sort_order(frame: pd.DataFrame, table: Table) -> np.ndarray | None:
    """Row positions sorted by the table's key (stable), or None when already in that order.

    Keys are compared as their contract text, which orders ISO dates chronologically."""
    if len(frame) < 2:
        return None
    if len(table.key) == 1 and _is_sorted(frame[table.key[0]]):
        return None
    columns = {c.name: c for c in table.columns}
    key_table = pa.table({k: text_array(frame[k], columns[k]) for k in table.key})
    order = pc.sort_indices(key_table, sort_keys=[(k, "ascending") for k in table.key])
    positions = order.to_numpy()
    if np.array_equal(positions, np.arange(len(frame))):
        return None
    return positions


def _is_sorted(series: pd.Series) -> bool:
    """Cheap check that skips the sort for the usual, already ordered, generator output."""
    if series.isna().any():
        return False
    try:
        return bool(series.is_monotonic_increasing)
    except TypeError:  # mixed value types: let the text sort decide
        return False


def _varchar_array(series: pd.Series) -> pa.Array:
    try:  # through numpy: about twice as fast as from the pandas array
        return pa.array(series.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Non-string ids (e.g. integers) are written as their text.
        as_text = series.map(lambda v: v if v is None or isinstance(v, str) else str(v))
        return pa.array(as_text.where(series.notna(), None).array, type=pa.string())


def _decimal_array(floats: np.ndarray) -> pa.Array:
    """Floats → decimal128(18, 2), rounded half-even to cents, built from an int128 buffer
    (Arrow has no exact float → decimal rounding cast)."""
    missing = np.isnan(floats)
    cents = np.rint(np.where(missing, 0.0, floats) * 100.0).astype(np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension of the 128-bit little-endian integer
    validity = None
    if missing.any():
        validity = pa.array(~missing).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(18, 2),
        len(cents),
        [validity, pa.py_buffer(words)],
        null_count=int(missing.sum()),
    )


def _datetime64(series: pd.Series) -> np.ndarray:
    """Seconds-resolution datetime64 values of a date or timestamp column (NaT for NULL)."""
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series)
    if getattr(series.dt, "tz", None) is not None:
        raise ValueError(f"column {series.name}: timestamps must be local time without zone")
    return series.to_numpy(dtype="datetime64[s]")


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------
def _write_csv(
    handle: Any,
    frame: pd.DataFrame,
    table: Table,
    order: np.ndarray | None,
    start: int,
    stop: int,
) -> None:
    handle.write((",".join(table.column_names) + "\n").encode("utf-8"))
    for lines in _rendered(_chunks(frame, order, start, stop), lambda c: _csv_lines(c, table)):
        handle.write(lines)


def _rendered(chunks: Iterator[pd.DataFrame], render: Callable[[pd.DataFrame], Any]) -> Iterator:
    """``render`` applied to the chunks in order, two at a time: Arrow kernels release the GIL,
    so rendering the next chunk overlaps with the current one (the machines have two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque[Future] = deque()
        for chunk in chunks:
            pending.append(pool.submit(render, chunk))
            if len(pending) == 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _csv_lines(chunk: pd.DataFrame, table: Table) -> memoryview:
    """One chunk of rows as CSV bytes ('\\n' after every row)."""
    fields = [_csv_field(chunk[c.name], c) for c in table.columns]
    # The line break goes on the last field: one pass over short values, not over whole lines.
    fields[-1] = pc.binary_join_element_wise(fields[-1], pa.scalar("\n"), "")
    lines = pc.binary_join_element_wise(*fields, ",")
    count = lines.offset + len(lines) + 1
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=count)[lines.offset :]
    data = lines.buffers()[2]
    if data is None:
        return memoryview(b"")
    return memoryview(data)[offsets[0] : offsets[-1]]


def _csv_field(series: pd.Series, column: Column) -> pa.Array:
    """The column's CSV fields: values that need it are quoted (a comma, a quote, a line break,
    or the empty string, which must stay distinct from NULL) and NULL is the empty field.
    Only text can need quotes: rendered numbers, dates and booleans never do."""
    mask = raw_text_mask(series, column)
    text = _text_array(series, column, mask)
    if column.type == "varchar" or mask is not None:
        needs = pc.or_(pc.match_substring_regex(text, _NEEDS_QUOTES), pc.equal(text, ""))
        if pc.any(needs).as_py():
            escaped = pc.replace_substring(text, '"', '""')
            quoted = pc.binary_join_element_wise(pa.scalar('"'), escaped, pa.scalar('"'), "")
            text = pc.if_else(needs, quoted, text)
    return pc.fill_null(text, "")


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------
def parquet_schema(table: Table, typed: bool) -> pa.Schema:
    """The Parquet schema of a table: contract types, or all strings for a dirty table."""
    return pa.schema(
        [
            pa.field(c.name, _ARROW_TYPES[c.type] if typed else pa.string(), nullable=True)
            for c in table.columns
        ]
    )


def _write_parquet(
    handle: Any,
    frame: pd.DataFrame,
    table: Table,
    order: np.ndarray | None,
    start: int,
    stop: int,
    typed: bool,
) -> None:
    schema = parquet_schema(table, typed)
    convert = typed_array if typed else text_array

    def render(chunk: pd.DataFrame) -> pa.Table:
        arrays = [convert(chunk[c.name], c) for c in table.columns]
        return pa.Table.from_arrays(arrays, schema=schema)

    with pq.ParquetWriter(handle, schema, compression="snappy") as writer:
        for part in _rendered(_chunks(frame, order, start, stop), render):
            writer.write_table(part, CHUNK_ROWS)
        if start == stop:
            writer.write_table(schema.empty_table())


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------
def _chunks(
    frame: pd.DataFrame, order: np.ndarray | None, start: int, stop: int
) -> Iterator[pd.DataFrame]:
    # Only the contract columns are taken: internal columns can be many and wide.
    columns = [
        frame.columns.get_loc(name) for name in frame.columns if not str(name).startswith("_")
    ]
    for lo in range(start, stop, CHUNK_ROWS):
        hi = min(lo + CHUNK_ROWS, stop)
        rows = slice(lo, hi) if order is None else order[lo:hi]
        yield frame.iloc[rows, columns]


def _part_targets(
    out_dir: Path, name: str, fmt: Format, rows: int, parts: int
) -> list[tuple[Path, tuple[int, int]]]:
    """Output paths with the row range each holds. Never more parts than rows (an empty part
    would make readers guess its column types), at least one file."""
    if parts == 1:
        return [(out_dir / f"{name}.{fmt}", (0, rows))]
    count = max(1, min(parts, rows))
    folder = out_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    bounds = [rows * i // count for i in range(count + 1)]
    return [(folder / f"part-{i:05d}.{fmt}", (bounds[i], bounds[i + 1])) for i in range(count)]


def _remove_previous_output(out_dir: Path, name: str) -> None:
    for fmt in FORMATS:
        (out_dir / f"{name}.{fmt}").unlink(missing_ok=True)
    folder = out_dir / name
    if folder.is_dir():
        for fmt in FORMATS:
            for part in folder.glob(f"part-*.{fmt}"):
                part.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()


def _atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary file and rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _jsonable(obj: Any) -> Any:
    """Plain JSON values for manifest contents (see ``write_json``)."""
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if is_dataclass(obj) and not isinstance(obj, type):
        return _jsonable(asdict(obj))
    if isinstance(obj, set | frozenset):
        return sorted((_jsonable(v) for v in obj), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(obj, list | tuple | np.ndarray | pd.Series):
        return [_jsonable(v) for v in (obj.tolist() if hasattr(obj, "tolist") else obj)]
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if obj is pd.NaT:
        return None
    if isinstance(obj, datetime | date | pd.Timestamp):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")
