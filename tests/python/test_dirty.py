"""The bad-row injector against an independent reference checker of the rule catalog.

``reference_quarantine`` below reads the written CSV files as text (as the dbt checks do) and
applies docs/data_quality_rules.md row by row in plain Python. It shares nothing with
``dirty.py`` but the catalog's declaration (``rules.py``, itself checked against the document
here), so when the report's expected counts equal what it finds, the counts are the catalog's.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from datagen import rules as catalog
from datagen.dirty import DirtyReport, inject_bad_rows
from datagen.schema import ACCEPTED_VALUES, TABLES, TABLES_BY_NAME
from datagen.writers import write_json, write_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "data_quality_rules.md"
Quarantine = list[tuple[str, int, str, str | None]]  # (table, row number, rule, column)


# --------------------------------------------------------------------------------------------
# Reference checker (the oracle)
# --------------------------------------------------------------------------------------------
def _parse(value: str, column_type: str) -> object | None:
    """The value in the contract's text format, or None when it is not one (invalid_type)."""
    try:
        if column_type == "integer":
            return int(value) if re.fullmatch(r"-?\d+", value) else None
        if column_type == "decimal":
            return Decimal(value) if re.fullmatch(r"-?\d+(\.\d+)?", value) else None
        if column_type == "date":
            return datetime.strptime(value, "%Y-%m-%d").date() if len(value) == 10 else None
        if column_type == "timestamp":
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S") if len(value) == 19 else None
        if column_type == "boolean":
            return {"true": True, "false": False}.get(value)
    except (ValueError, InvalidOperation):
        return None
    return value


def _in_range(value: object, bound: catalog.Range) -> bool:
    number = Decimal(str(value))
    if bound.low is not None:
        low = Decimal(str(bound.low))
        if number < low or (number == low and not bound.low_inclusive):
            return False
    if bound.high is not None:
        high = Decimal(str(bound.high))
        if number > high or (number == high and not bound.high_inclusive):
            return False
    return True


def _consistency_broken(rule: catalog.Consistency, parsed: dict) -> bool:
    """Whether one cross-column rule is broken, read from the catalog on typed values (an empty
    or unreadable value is None, and a comparison with None breaks nothing, as in SQL)."""
    if isinstance(rule, catalog.SetExactlyWhenSet):
        return (parsed.get(rule.column) is not None) != (parsed.get(rule.other) is not None)
    if isinstance(rule, catalog.EmptyUnlessIn):
        when = parsed.get(rule.when_column)
        return parsed.get(rule.column) is not None and when is not None and when not in rule.values
    if isinstance(rule, catalog.SetWhenInEmptyWhenIn):
        when, value = parsed.get(rule.when_column), parsed.get(rule.column)
        return (when in rule.set_values and value is None) or (
            when in rule.empty_values and value is not None
        )
    if isinstance(rule, catalog.NetAmount):
        accepted, net = parsed.get(rule.accepted_column), parsed.get(rule.column)
        if accepted is None or net is None:
            return False
        if accepted is False:
            return net != 0
        listed, discount = parsed.get(rule.list_column), parsed.get(rule.discount_column)
        if listed is None or discount is None:
            return False
        return abs(net - (listed - discount)) > Decimal(str(rule.tolerance))
    if isinstance(rule, catalog.FirstOfMonth):
        day = parsed.get(rule.column)
        return day is not None and day.day != 1
    raise AssertionError(f"unknown rule {rule}")


def _row_breaks(table: str, row: dict) -> tuple[list[tuple[str, str | None]], dict]:
    """Every single-row rule the row breaks, and its parsed values."""
    spec, declared = TABLES_BY_NAME[table], catalog.RULES[table]
    breaks: list[tuple[str, str | None]] = []
    parsed: dict[str, object] = {}
    for column in spec.columns:
        value = row[column.name]
        if value is None:
            if not column.nullable:
                breaks.append(("not_null", column.name))
            continue
        typed = _parse(value, column.type)
        if typed is None:
            breaks.append(("invalid_type", column.name))
            continue
        parsed[column.name] = typed
        codes = ACCEPTED_VALUES.get((table, column.name))
        if codes is not None and value not in codes:
            breaks.append(("accepted_values", column.name))
    for column, length in declared.fixed_length:
        if row[column] is not None and len(row[column]) != length:
            breaks.append(("invalid_type", column))
    for required in declared.required_when:
        if row[required.when_column] in required.values:
            breaks += [("not_null", c) for c in required.columns if row[c] is None]
    for bound in declared.ranges:
        if bound.column in parsed and not _in_range(parsed[bound.column], bound):
            breaks.append(("out_of_range", bound.column))
    for pair in declared.order:
        later, earlier = parsed.get(pair.later), parsed.get(pair.earlier)
        if later is not None and earlier is not None and later < earlier:
            breaks.append(("timestamp_order", pair.later))
    for rule in declared.consistency:
        if _consistency_broken(rule, parsed):
            breaks.append(("inconsistent", rule.column))
    return breaks, parsed


def reference_quarantine(raw: dict[str, pd.DataFrame]) -> Quarantine:
    """The quarantine the catalog prescribes for raw text tables (None = empty field)."""
    found: Quarantine = []
    staged_keys: dict[str, set[str]] = {}
    active: set[tuple[str, str]] = set()
    for table in catalog.CHECK_ORDER:
        frame = raw[table]
        records = frame.to_dict("records")
        key = TABLES_BY_NAME[table].key
        seen: set[tuple] = set()
        duplicate = []
        for record in records:
            signature = tuple(record.values())
            duplicate.append(signature in seen)
            seen.add(signature)
        key_counts = Counter(
            tuple(r[k] for k in key) for r, dup in zip(records, duplicate, strict=True) if not dup
        )
        per_row: dict[int, list[tuple[str, str | None]]] = {}
        parsed_rows: dict[int, dict] = {}
        for number, (record, dup) in enumerate(zip(records, duplicate, strict=True)):
            if dup:
                per_row[number] = [("duplicate_row", None)]
                continue
            breaks, parsed_rows[number] = _row_breaks(table, record)
            if key_counts[tuple(record[k] for k in key)] > 1:
                breaks.insert(0, ("key_conflict", ",".join(key)))
            for reference in catalog.RULES[table].references:
                if reference.parent == table:
                    continue
                value = record[reference.column]
                if value is not None and value not in staged_keys[reference.parent]:
                    breaks.append(("unknown_reference", reference.column))
            per_row[number] = breaks
        # Self-references: against the rows of the same table that pass every other rule.
        passing = {records[n][key[0]] for n, b in per_row.items() if not b and len(key) == 1}
        for reference in catalog.RULES[table].references:
            if reference.parent != table:
                continue
            for number, record in enumerate(records):
                value = record[reference.column]
                if not duplicate[number] and value is not None and value not in passing:
                    per_row[number].append(("unknown_reference", reference.column))
        if catalog.RULES[table].activity is not None:
            for number, record in enumerate(records):
                month = parsed_rows.get(number, {}).get("period_month")
                store = record["store_id"]
                if store not in staged_keys["stores"] or month is None:
                    continue  # an unknown store is an unknown_reference, not a missing activity
                if (store, f"{month:%Y-%m}") not in active:
                    per_row[number].append(("no_dms_activity", "period_month"))
        found += [(table, n, rule, col) for n, b in per_row.items() for rule, col in b]
        staged = [n for n, b in per_row.items() if not b]
        if len(key) == 1:
            staged_keys[table] = {records[n][key[0]] for n in staged}
        if table == "work_orders":
            active = {
                (records[n]["store_id"], f"{parsed_rows[n]['delivered_at']:%Y-%m}")
                for n in staged
                if records[n]["status"] == "closed" and "delivered_at" in parsed_rows[n]
            }
    return found


def read_raw_csv(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table as text through DuckDB (empty field = NULL), as the warehouse reads it."""
    connection = duckdb.connect()
    tables = {}
    for table in TABLES:
        path = folder / f"{table.name}.csv"
        relation = connection.sql(
            f"select * from read_csv('{path}', all_varchar = true, header = true)"
        )
        frame = relation.df()
        assert list(frame.columns) == table.column_names
        tables[table.name] = frame.astype(object).where(frame.notna(), None)
    return tables


def quarantine_counts(found: Quarantine) -> dict[tuple[str, str, str | None], int]:
    return dict(Counter((table, rule, column) for table, _, rule, column in found))


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------
@pytest.fixture
def dirty(clean_tables) -> tuple[dict[str, pd.DataFrame], DirtyReport]:
    return inject_bad_rows(clean_tables, np.random.default_rng(7))


@pytest.fixture
def dirty_raw(dirty, tmp_path) -> dict[str, pd.DataFrame]:
    tables, _ = dirty
    write_tables(tables, tmp_path, "csv")
    return read_raw_csv(tmp_path)


# --------------------------------------------------------------------------------------------
# The oracle itself
# --------------------------------------------------------------------------------------------
def test_clean_fixture_breaks_no_rule(clean_tables, tmp_path):
    write_tables(clean_tables, tmp_path, "csv")
    assert reference_quarantine(read_raw_csv(tmp_path)) == []


def test_oracle_catches_a_cascade_and_a_double_break(clean_tables, tmp_path):
    """The checker must see through parents: breaking a real store sets aside its children."""
    stores = clean_tables["stores"]
    stores["service_bays"] = stores["service_bays"].astype("Int64")
    stores.loc[stores["store_id"] == "S002", "service_bays"] = 0
    write_tables(clean_tables, tmp_path, "csv")
    found = quarantine_counts(reference_quarantine(read_raw_csv(tmp_path)))
    assert found[("stores", "out_of_range", "service_bays")] == 1
    assert found[("employees", "unknown_reference", "store_id")] == 2
    assert found[("finance_ledger", "unknown_reference", "store_id")] == 30
    assert ("finance_ledger", "no_dms_activity", "period_month") not in found
    assert found[("work_orders", "unknown_reference", "store_id")] == 4


# --------------------------------------------------------------------------------------------
# Injected counts
# --------------------------------------------------------------------------------------------
def test_report_matches_reference_checker(dirty, dirty_raw):
    _, report = dirty
    found = reference_quarantine(dirty_raw)
    assert quarantine_counts(found) == report.expected_counts()
    for table in TABLES:
        counts = report.tables[table.name]
        assert counts.rows_total == len(dirty_raw[table.name])
        aside = {n for t, n, _, _ in found if t == table.name}
        assert counts.rows_set_aside == len(aside), table.name
        assert counts.rows_staged == counts.rows_total - counts.rows_set_aside


def test_report_matches_reference_checker_at_larger_scale(clean_tables, tmp_path):
    tables, report = inject_bad_rows(clean_tables, np.random.default_rng(11), scale=2.5)
    write_tables(tables, tmp_path, "csv")
    assert quarantine_counts(reference_quarantine(read_raw_csv(tmp_path))) == (
        report.expected_counts()
    )
    assert sum(report.expected_counts().values()) > 500


def test_every_rule_kind_is_injected_where_the_catalog_allows(dirty):
    _, report = dirty
    tables_per_rule: dict[str, set[str]] = {}
    for item in report.expected:
        tables_per_rule.setdefault(item.rule, set()).add(item.table)
    assert set(tables_per_rule) == set(catalog.RULE_NAMES)
    for rule, tables in tables_per_rule.items():
        assert len(tables) >= (1 if rule == "no_dms_activity" else 2), rule
    assert all(report.tables[t.name].rows_set_aside > 0 for t in TABLES)
    assert all(sum(e.count for e in report.expected if e.rule == r) >= 5 for r in tables_per_rule)


def test_counts_per_kind_and_key_conflict_columns(dirty):
    _, report = dirty
    counts = report.expected_counts()
    assert counts[("technician_time", "key_conflict", "employee_id,work_date")] == 2
    assert counts[("finance_ledger", "key_conflict", "store_id,period_month,account")] == 2
    # the conflicting pair plus an exact copy of one of them: two conflicts, one duplicate
    assert counts[("coupons", "key_conflict", "coupon_id")] == 2
    assert counts[("work_orders", "duplicate_row", None)] == 4
    assert counts[("coupons", "duplicate_row", None)] == 3
    by_rule = Counter()
    for (_, rule, _), n in counts.items():
        by_rule[rule] += n
    assert all(5 <= n <= 40 for n in by_rule.values()), by_rule


def test_a_row_breaking_two_rules_counts_twice_and_is_set_aside_once(dirty):
    _, report = dirty
    double = [r for r in report.rows if len(r.rules) >= 2]
    assert {r.table for r in double} >= {"work_orders", "online_reviews", "finance_ledger"}
    assert any(
        set(r.rules) == {"inconsistent:period_month", "no_dms_activity:period_month"}
        for r in double
    )


def test_scale_multiplies_counts(clean_tables):
    _, small = inject_bad_rows(clean_tables, np.random.default_rng(3), scale=1)
    _, large = inject_bad_rows(clean_tables, np.random.default_rng(3), scale=3)
    total = sum(small.expected_counts().values())
    assert 2.5 * total <= sum(large.expected_counts().values()) <= 3.5 * total


def test_rejects_bad_scale_and_missing_tables(clean_tables):
    with pytest.raises(ValueError, match="scale"):
        inject_bad_rows(clean_tables, np.random.default_rng(0), scale=0)
    del clean_tables["surveys"]
    with pytest.raises(ValueError, match="surveys"):
        inject_bad_rows(clean_tables, np.random.default_rng(0))


# --------------------------------------------------------------------------------------------
# Clean rows, determinism, serialisation
# --------------------------------------------------------------------------------------------
def test_clean_rows_are_untouched(clean_tables, dirty):
    tables, report = dirty
    fresh = {name: frame.copy() for name, frame in clean_tables.items()}
    for table in TABLES:
        clean, out = clean_tables[table.name], tables[table.name]
        pd.testing.assert_frame_equal(clean, fresh[table.name])  # input not modified
        head = out.iloc[: len(clean)].reset_index(drop=True)
        columns = table.column_names
        same = [
            all(_equal(a, b) for a, b in zip(x, y, strict=True))
            for x, y in zip(
                clean[columns].itertuples(index=False),
                head[columns].itertuples(index=False),
                strict=True,
            )
        ]
        assert len(same) - sum(same) == report.tables[table.name].rows_replaced, table.name
    assert report.tables["finance_ledger"].rows_replaced > 0
    assert sum(c.rows_replaced for c in report.tables.values()) == (
        report.tables["finance_ledger"].rows_replaced
    )


def _equal(a: object, b: object) -> bool:
    a_null = not isinstance(a, str) and bool(pd.isna(a))
    b_null = not isinstance(b, str) and bool(pd.isna(b))
    if a_null or b_null:
        return a_null and b_null
    return bool(a == b)


def test_same_seed_same_result_other_seed_other_rows(clean_tables):
    first_tables, first = inject_bad_rows(clean_tables, np.random.default_rng(5))
    second_tables, second = inject_bad_rows(clean_tables, np.random.default_rng(5))
    assert first.to_dict() == second.to_dict()
    for name in first_tables:
        pd.testing.assert_frame_equal(first_tables[name], second_tables[name])
    _, other = inject_bad_rows(clean_tables, np.random.default_rng(6))
    assert other.to_dict()["rows"] != first.to_dict()["rows"]


def test_report_is_json_serialisable(dirty, tmp_path):
    _, report = dirty
    write_json(report.to_dict(), tmp_path / "counts.json")
    text = (tmp_path / "counts.json").read_text()
    assert '"rows_set_aside"' in text and '"expected"' in text
    totals = report.to_dict()["totals"]
    assert totals["quarantine_rows"] == sum(report.expected_counts().values())


def test_injected_text_values_fail_duckdb_casts_and_clean_values_pass(dirty):
    """The dbt checks are SQL: a value the injector calls invalid must not cast in DuckDB, and
    every clean value must."""
    tables, _ = dirty
    casts = {"integer": "bigint", "decimal": "decimal(18,2)", "date": "date"}
    casts |= {"timestamp": "timestamp", "boolean": "boolean"}
    connection = duckdb.connect()
    checked = 0
    for table in TABLES:
        for column in table.columns:
            if column.type == "varchar":
                continue
            values = tables[table.name][column.name]
            texts = {v for v in values if isinstance(v, str)}
            for text in texts:
                cast = connection.execute(
                    f"select try_cast(? as {casts[column.type]})", [text]
                ).fetchone()
                assert cast == (None,), (table.name, column.name, text)
                checked += 1
    assert checked >= 10


# --------------------------------------------------------------------------------------------
# The catalog declaration against the document
# --------------------------------------------------------------------------------------------
def _doc_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] in TABLES_BY_NAME and len(cells) == 5:
            rows[cells[0]] = cells[1:]
    return rows


def _columns_named(text: str, table: str) -> set[str]:
    names = set(TABLES_BY_NAME[table].column_names)
    words = set(re.findall(r"[a-z_]+\*?", text))
    found = words & names
    if "score_*" in words:
        found |= {n for n in names if n.startswith("score_")}
    return found


def test_rules_declaration_follows_the_catalog_document():
    rows = _doc_rows()
    assert set(rows) == set(TABLES_BY_NAME)
    for table, (ranges, order, inconsistent, references) in rows.items():
        declared = catalog.RULES[table]
        assert {r.column for r in declared.ranges} == _columns_named(ranges, table), table
        pairs = {
            tuple(p.strip() for p in part.split(":")) for part in order.split(";") if part.strip()
        }
        assert {(p.later, p.earlier) for p in declared.order} == pairs, table
        leading = {part.split(":")[0].split("(")[0].strip() for part in inconsistent.split(";")}
        expected_leading = {r.column for r in declared.consistency}
        expected_leading |= {"delivered_at" for _ in declared.required_when}
        assert expected_leading == (leading - {""}), table
        doc_refs = set()
        for part in references.split(";"):
            if "→" in part:
                columns, parent = part.split("→")
                doc_refs |= {(c.strip(), parent.strip()) for c in columns.split(",")}
        assert {(r.column, r.parent) for r in declared.references} == doc_refs, table
        assert (declared.activity is not None) == ("no_dms_activity" in references), table
    documented = re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(), flags=re.MULTILINE)
    assert tuple(documented) == catalog.RULE_NAMES


def test_range_bounds_as_documented():
    bounds = {(t, r.column): r for t, d in catalog.RULES.items() for r in d.ranges}
    assert bounds[("stores", "daily_open_hours")].describe() == "0 < daily_open_hours <= 24"
    assert bounds[("stores", "service_bays")].describe() == "0 < service_bays"
    assert bounds[("surveys", "score_price")].describe() == "1 <= score_price <= 10"
    assert bounds[("surveys", "csi_score")].describe() == "0 <= csi_score <= 100"
    assert bounds[("work_order_lines", "cost_amount")].describe() == "0 <= cost_amount"


# --------------------------------------------------------------------------------------------
# With the real simulation (when the DMS and CRM/ERP steps exist)
# --------------------------------------------------------------------------------------------
_SIMULATION = all(importlib.util.find_spec(m) for m in ("datagen.dms", "datagen.crm_erp"))


@pytest.mark.skipif(not _SIMULATION, reason="datagen.dms / datagen.crm_erp not written yet")
def test_report_matches_reference_checker_on_simulated_data(tmp_path):
    from datagen.config import GeneratorConfig
    from datagen.crm_erp import simulate_crm_erp
    from datagen.dms import simulate_dms

    config = GeneratorConfig(stores=1, months=2, start=date(2024, 1, 1), seed=3)
    dms_rng, crm_rng, dirty_rng = np.random.default_rng(3).spawn(3)
    world = simulate_dms(config, dms_rng)
    tables = {**world.tables, **simulate_crm_erp(config, world, crm_rng).tables}
    write_tables(tables, tmp_path / "clean", "csv")
    assert reference_quarantine(read_raw_csv(tmp_path / "clean")) == []
    dirty_tables, report = inject_bad_rows(tables, dirty_rng)
    write_tables(dirty_tables, tmp_path / "dirty", "csv")
    found = reference_quarantine(read_raw_csv(tmp_path / "dirty"))
    assert quarantine_counts(found) == report.expected_counts()


def test_plan_steps_must_name_a_rule_the_catalog_checks(clean_tables, monkeypatch):
    from datagen import dirty

    bad = dirty.Step("coupons", "out_of_range", "campaign", {"campaign": "x"})
    monkeypatch.setattr(dirty, "_plan", lambda: (bad,))
    with pytest.raises(ValueError, match=r"out_of_range on coupons\.campaign"):
        inject_bad_rows(clean_tables, np.random.default_rng(0))


def test_rule_columns_reads_schema_and_rules():
    assert catalog.rule_columns("work_orders", "not_null") >= {"delivered_at", "arrived_at"}
    assert "fault_code" not in catalog.rule_columns("work_orders", "not_null")
    assert catalog.rule_columns("vehicles", "invalid_type") == {
        "vin",
        "delivered_on",
        "warranty_end_on",
        "aftersales_intro_done",
    }
    assert catalog.rule_columns("finance_ledger", "no_dms_activity") == {"period_month"}
    assert catalog.rule_columns("stores", "no_dms_activity") == frozenset()
