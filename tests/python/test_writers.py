"""CSV and Parquet writers: the contract's text formats, round trips through DuckDB,
byte-identical reruns, part folders, dirty (untypeable) values, manifests."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from datagen.schema import TABLES, TABLES_BY_NAME
from datagen.writers import write_json, write_tables


def _expected_text(value: object, column_type: str) -> str | None:
    """The contract's text of a value, formatted here independently of the writer."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if column_type == "timestamp":
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if column_type == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if column_type == "decimal":
        return f"{float(value):.2f}"
    if column_type == "boolean":
        return "true" if value else "false"
    if column_type == "integer":
        return str(int(value))
    return str(value)


def _sorted_text(frame: pd.DataFrame, table: str) -> list[tuple]:
    spec = TABLES_BY_NAME[table]
    rows = [
        tuple(_expected_text(v, c.type) for v, c in zip(row, spec.columns, strict=True))
        for row in frame[spec.column_names].itertuples(index=False)
    ]
    key = [spec.column_names.index(k) for k in spec.key]
    return sorted(rows, key=lambda r: tuple(r[i] for i in key))


def _duckdb_text(path: str) -> list[tuple]:
    query = f"select * from read_csv('{path}', all_varchar = true, header = true)"
    return duckdb.sql(query).fetchall()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------
def test_csv_round_trip_through_duckdb(clean_tables, tmp_path):
    counts = write_tables(clean_tables, tmp_path, "csv")
    assert counts == {name: len(frame) for name, frame in clean_tables.items()}
    for table in TABLES:
        rows = _duckdb_text(str(tmp_path / f"{table.name}.csv"))
        assert rows == _sorted_text(clean_tables[table.name], table.name), table.name


def test_csv_text_formats_exactly(clean_tables, tmp_path):
    write_tables(clean_tables, tmp_path, "csv")
    stores = (tmp_path / "stores.csv").read_bytes().decode("utf-8")
    assert stores == (
        "store_id,store_name,region,city,brand,opened_on,service_bays,floor_area_sqm,"
        "daily_open_hours\n"
        "S001,Pudong Service Centre,East,上海,Aurora,2019-05-01,8,1200.50,10.00\n"
        'S002,"Hangzhou, Xihu 4S",East,Hangzhou,Aurora,2023-12-01,4,650.00,9.50\n'
    )
    reviews = (tmp_path / "online_reviews.csv").read_text().splitlines()
    assert reviews[3] == "R003,S002,douyin,2024-01-16 12:00:00,4,"  # NULL: empty, unquoted
    customers = (tmp_path / "customers.csv").read_text()
    assert 'C002,"Li ""Lucky"" Na",13800000002,2022-07-15,online,\n' in customers
    lines = (tmp_path / "work_order_lines.csv").read_text()
    assert '"Rework: relay\nand harness"' in lines
    assert ",part,repair,PAR-009,Front bumper,2.00,0.00,2300.00,300.00,2000.00," in lines
    assert lines.count("\r") == 0 and lines.endswith("\n")
    orders = (tmp_path / "work_orders.csv").read_text().splitlines()
    assert orders[1].startswith("W0001,S001,LSVAA4180E2000001,C001,E003,E001,maintenance,,,")
    assert ",true,W0002,misdiagnosis,closed" in orders[3]
    assert "_experience" not in orders[0]


def test_output_is_byte_identical_and_independent_of_row_order(clean_tables, tmp_path):
    for fmt in ("csv", "parquet"):
        write_tables(clean_tables, tmp_path / f"a_{fmt}", fmt)
        write_tables(clean_tables, tmp_path / f"b_{fmt}", fmt)
        shuffled = {
            name: frame.sample(frac=1.0, random_state=1) for name, frame in clean_tables.items()
        }
        write_tables(shuffled, tmp_path / f"c_{fmt}", fmt)
        first = _files(tmp_path / f"a_{fmt}")
        assert len(first) == len(TABLES)
        assert first == _files(tmp_path / f"b_{fmt}") == _files(tmp_path / f"c_{fmt}")


def test_csv_values_need_no_quotes_unless_they_must(tmp_path):
    frame = pd.DataFrame(
        {
            "review_id": ["R1", "R2", "R3", "R4"],
            "store_id": ["plain", "a,b", "", 'say "hi"'],
            "platform": ["x\r\ny", None, "z", "a"],
            "posted_at": pd.Series(
                pd.to_datetime(["2024-01-01 00:00:00"] * 4), dtype="datetime64[s]"
            ),
            "rating": pd.Series([1, None, 3, -4], dtype="Int64"),
            "responded_at": pd.Series([pd.NaT] * 4, dtype="datetime64[s]"),
        }
    )
    write_tables({"online_reviews": frame}, tmp_path, "csv")
    assert (tmp_path / "online_reviews.csv").read_bytes().split(b"\n", 1)[1] == (
        b'R1,plain,"x\r\ny",2024-01-01 00:00:00,1,\n'
        b'R2,"a,b",,2024-01-01 00:00:00,,\n'
        b'R3,"",z,2024-01-01 00:00:00,3,\n'
        b'R4,"say ""hi""",a,2024-01-01 00:00:00,-4,\n'
    )


def test_decimals_round_to_cents_and_keep_sign(tmp_path):
    frame = pd.DataFrame(
        {
            "store_id": ["S1"] * 5,
            "period_month": pd.Series(pd.to_datetime(["2024-01-01"] * 5), dtype="datetime64[s]"),
            "account": ["a1", "a2", "a3", "a4", "a5"],
            "amount": [0.0, -0.5, 1234567.891, 0.1 + 0.2, np.nan],
        }
    )
    write_tables({"finance_ledger": frame}, tmp_path, "csv")
    amounts = [row[3] for row in _duckdb_text(str(tmp_path / "finance_ledger.csv"))]
    assert amounts == ["0.00", "-0.50", "1234567.89", "0.30", None]


# --------------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------------
def test_parquet_round_trip_through_duckdb_with_contract_types(clean_tables, tmp_path):
    write_tables(clean_tables, tmp_path, "parquet")
    schema = pq.read_schema(tmp_path / "work_order_lines.parquet")
    assert str(schema.field("net_amount").type) == "decimal128(18, 2)"
    assert str(schema.field("part_in_stock").type) == "bool"
    assert pq.ParquetFile(tmp_path / "stores.parquet").metadata.row_group(0).column(
        0
    ).compression == ("SNAPPY")
    for table in TABLES:
        path = tmp_path / f"{table.name}.parquet"
        relation = duckdb.sql(f"select * from read_parquet('{path}')")
        types = {c.name: str(t) for c, t in zip(table.columns, relation.types, strict=True)}
        for column in table.columns:
            expected = {
                "varchar": "VARCHAR",
                "integer": "BIGINT",
                "decimal": "DECIMAL(18,2)",
                "date": "DATE",
                "timestamp": "TIMESTAMP",
                "boolean": "BOOLEAN",
            }[column.type]
            assert types[column.name] == expected, (table.name, column.name)
        rows = relation.fetchall()
        as_text = [
            tuple(_value_text(v, c.type) for v, c in zip(row, table.columns, strict=True))
            for row in rows
        ]
        assert as_text == _sorted_text(clean_tables[table.name], table.name), table.name


def _value_text(value: object, column_type: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return _expected_text(value, column_type)


def test_dirty_values_are_written_verbatim_and_parquet_falls_back_to_strings(
    clean_tables, tmp_path
):
    stores = clean_tables["stores"]
    stores["opened_on"] = stores["opened_on"].astype(object)
    stores.loc[1, "opened_on"] = "2024-13-40"
    stores["service_bays"] = stores["service_bays"].astype(object)
    stores.loc[0, "service_bays"] = "abc"
    write_tables({"stores": stores, "coupons": clean_tables["coupons"]}, tmp_path, "csv")
    text = (tmp_path / "stores.csv").read_text().splitlines()
    assert text[1] == "S001,Pudong Service Centre,East,上海,Aurora,2019-05-01,abc,1200.50,10.00"
    assert text[2] == 'S002,"Hangzhou, Xihu 4S",East,Hangzhou,Aurora,2024-13-40,4,650.00,9.50'
    parquet = tmp_path / "parquet"
    write_tables({"stores": stores, "coupons": clean_tables["coupons"]}, parquet, "parquet")
    schema = pq.read_schema(parquet / "stores.parquet")
    assert {str(field.type) for field in schema} == {"string"}
    assert str(pq.read_schema(parquet / "coupons.parquet").field("face_value").type) == (
        "decimal128(18, 2)"
    )
    rows = duckdb.sql(f"select * from read_parquet('{parquet / 'stores.parquet'}')").fetchall()
    assert rows == _duckdb_text(str(tmp_path / "stores.csv"))


# --------------------------------------------------------------------------------------------
# Parts, layout, errors
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_parts_split_rows_into_a_folder(clean_tables, tmp_path, fmt):
    write_tables(clean_tables, tmp_path, fmt)
    counts = write_tables(clean_tables, tmp_path, fmt, parts=3)
    ledger = tmp_path / "finance_ledger"
    assert sorted(p.name for p in ledger.iterdir()) == [f"part-0000{i}.{fmt}" for i in range(3)]
    assert not (tmp_path / f"finance_ledger.{fmt}").exists()  # the single file was replaced
    stores = sorted(p.name for p in (tmp_path / "stores").iterdir())
    assert stores == [f"part-00000.{fmt}", f"part-00001.{fmt}"]  # never an empty part
    reader = "read_csv" if fmt == "csv" else "read_parquet"
    options = ", all_varchar = true, header = true" if fmt == "csv" else ""
    sizes = [
        duckdb.sql(f"select count(*) from {reader}('{p}'{options})").fetchone()[0]
        for p in sorted(ledger.iterdir())
    ]
    assert sizes == [20, 20, 20] and sum(sizes) == counts["finance_ledger"]
    whole = duckdb.sql(
        f"select * from {reader}('{ledger}/part-*.{fmt}'{options}) order by all"
    ).fetchall()
    assert len(whole) == 60 and len(set(whole)) == 60
    write_tables(clean_tables, tmp_path, fmt)
    assert not ledger.exists() and (tmp_path / f"finance_ledger.{fmt}").exists()


def test_empty_table_writes_header_or_schema(clean_tables, tmp_path):
    empty = clean_tables["complaints"].iloc[0:0]
    write_tables({"complaints": empty}, tmp_path, "csv")
    assert (tmp_path / "complaints.csv").read_text() == (
        ",".join(TABLES_BY_NAME["complaints"].column_names) + "\n"
    )
    write_tables({"complaints": empty}, tmp_path, "parquet")
    assert pq.read_table(tmp_path / "complaints.parquet").num_rows == 0


def test_missing_or_unknown_columns_and_tables_fail_with_names(clean_tables, tmp_path):
    with pytest.raises(ValueError, match=r"stores.*floor_area_sqm"):
        write_tables(
            {"stores": clean_tables["stores"].drop(columns="floor_area_sqm")}, tmp_path, "csv"
        )
    with pytest.raises(ValueError, match=r"stores.*colour"):
        write_tables({"stores": clean_tables["stores"].assign(colour="red")}, tmp_path, "csv")
    with pytest.raises(ValueError, match="not contract tables"):
        write_tables({"shops": clean_tables["stores"]}, tmp_path, "csv")
    with pytest.raises(ValueError, match="format"):
        write_tables(clean_tables, tmp_path, "xlsx")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="parts"):
        write_tables(clean_tables, tmp_path, "csv", parts=0)


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------
def test_write_json_is_sorted_and_converts_numpy_and_dates(tmp_path):
    payload = {
        "b": np.int64(3),
        "a": {"z": np.float64(1.5), "y": date(2024, 1, 1), "x": float("nan")},
        "c": [np.bool_(True), pd.Timestamp("2024-02-01 10:00:00"), {2, 1}],
    }
    write_json(payload, tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text()
    assert (
        text
        == json.dumps(
            {
                "a": {"x": None, "y": "2024-01-01", "z": 1.5},
                "b": 3,
                "c": [True, "2024-02-01T10:00:00", [1, 2]],
            },
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )
    write_json(payload, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == text.encode()
    with pytest.raises(TypeError):
        write_json({"frame": pd.DataFrame()}, tmp_path / "bad.json")
