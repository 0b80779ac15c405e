"""Inject bad rows of every kind the rule catalog knows, at known counts (``--dirty``).

The warehouse must set aside every bad raw row with the rule it broke (docs/data_quality_rules.md)
and reconcile rows in = rows staged + rows set aside. To test that, this module adds bad rows to
clean tables and reports exactly what the quarantine must find: one expected quarantine row per
(raw row, rule broken), the rows set aside per table, and the rows in.

Why the rows are built the way they are:

* The dbt checks evaluate a child against the *staged* parent, so a bad row in a referenced table
  (stores, employees, customers, vehicles, work orders) would cascade to every child that points
  at it and the counts would no longer be known. Bad rows in those tables are therefore either
  exact copies of a real row (the first copy survives) or *fabricated*: a copy of a real row with
  a fresh key that nothing references, then broken.
* Each fabricated row breaks only the rule(s) it is meant to break: a companion column is adjusted
  where a rule links columns (an unknown role gets an empty technician level, an unparseable date
  gets its paired timestamps emptied), and timestamps are moved so exactly one declared pair
  breaks. Where the catalog's words leave a reading open, rows follow the SQL checks
  (macros/quarantine): a value that cannot be read is not range- or order-checked, and a ledger
  row of an unknown store is an ``unknown_reference`` only (``no_dms_activity`` is checked for
  staged stores). A mid-month ledger row sits in a month without activity, so it breaks
  ``inconsistent`` and ``no_dms_activity`` however the month is compared.
* The ledger's key (store, month, account) leaves no room for fresh keys in an active month, so
  out-of-range, null and unparseable amounts are written over real ledger rows (counted, and
  reported as ``rows_replaced``), and its key conflicts pair a real row with a differing copy.

The catalog's per-table declarations come from ``rules.py``; the plan below says which rule is
broken where and how often (times ``scale``). Everything is drawn from ``rng``, so the same clean
tables and seed always give the same dirty tables and report.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from datagen.rules import (
    PROCESS_TIMESTAMPS,
    RULE_NAMES,
    RULES,
    key_conflict_column,
    rule_columns,
)
from datagen.schema import ACCEPTED_VALUES, TABLES, TABLES_BY_NAME, Table

Filter = Callable[[pd.DataFrame], np.ndarray]
Break = tuple[str, str | None]  # (rule, column)

_VIN_LENGTH: Final = 17
_DUPLICATE: Final[Break] = ("duplicate_row", None)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExpectedCount:
    """Quarantine rows the warehouse must produce for one (table, rule, column)."""

    table: str
    rule: str
    column: str | None
    count: int


@dataclass(frozen=True)
class TableCounts:
    """Row reconciliation of one table: ``rows_total`` = ``rows_staged`` + ``rows_set_aside``."""

    rows_clean: int
    rows_added: int
    rows_replaced: int
    rows_total: int
    rows_set_aside: int
    rows_staged: int


@dataclass(frozen=True)
class SetAsideRow:
    """One raw row that must be set aside: its key (as contract text) and the rules it breaks."""

    table: str
    key: dict[str, str | None]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class DirtyReport:
    """What the quarantine must find in the dirty tables (written as ``_dirty_counts.json``)."""

    scale: float
    tables: dict[str, TableCounts]
    expected: list[ExpectedCount]
    rows: list[SetAsideRow] = field(default_factory=list)

    def expected_counts(self) -> dict[tuple[str, str, str | None], int]:
        """``{(table, rule, column): count}``, the form tests compare against."""
        return {(e.table, e.rule, e.column): e.count for e in self.expected}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict, sorted, so reruns give identical files."""
        rule_totals: Counter[str] = Counter()
        for item in self.expected:
            rule_totals[item.rule] += item.count
        return {
            "scale": self.scale,
            "tables": {name: asdict(counts) for name, counts in sorted(self.tables.items())},
            "expected": [asdict(e) for e in self.expected],
            "totals": {
                "rows_total": sum(c.rows_total for c in self.tables.values()),
                "rows_set_aside": sum(c.rows_set_aside for c in self.tables.values()),
                "quarantine_rows": sum(e.count for e in self.expected),
                "by_rule": dict(sorted(rule_totals.items())),
            },
            "rows": [{"table": r.table, "key": r.key, "rules": list(r.rules)} for r in self.rows],
        }


# --------------------------------------------------------------------------------------------
# Plan: which rule is broken where, as data
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unknown:
    """A foreign-key value that is not a key of ``parent``."""

    parent: str


@dataclass(frozen=True)
class Shifted:
    """The template's ``column`` moved by ``delta`` (to break or keep a timestamp order)."""

    column: str
    delta: pd.Timedelta


@dataclass(frozen=True)
class ShortVin:
    """A VIN that is not 17 characters long (``invalid_type`` on ``vehicles.vin``)."""


@dataclass(frozen=True)
class Computed:
    """A value computed from the template row."""

    compute: Callable[[pd.Series], Any]


NULL: Final = None


@dataclass(frozen=True)
class Step:
    """``count`` fabricated rows of ``table`` copied from templates matching ``where``, with
    ``values`` written over, each breaking ``rule`` on ``column`` (plus ``also``).

    ``in_place`` writes over distinct real rows instead (only for the ledger, see module doc).
    """

    table: str
    rule: str
    column: str | None
    values: Mapping[str, Any]
    count: int = 1
    where: Filter | None = None
    also: tuple[Break, ...] = ()
    in_place: bool = False
    resent: bool = False  # the first row is sent twice: the copy is only a duplicate_row


def _eq(column: str, value: Any) -> Filter:
    return lambda f: (f[column] == value).fillna(False).to_numpy(dtype=bool)


def _isin(column: str, values: tuple[Any, ...]) -> Filter:
    return lambda f: f[column].isin(values).to_numpy(dtype=bool)


def _notna(*columns: str) -> Filter:
    return lambda f: f[list(columns)].notna().all(axis=1).to_numpy(dtype=bool)


def _isna(*columns: str) -> Filter:
    return lambda f: f[list(columns)].isna().all(axis=1).to_numpy(dtype=bool)


def _gt(column: str, value: float) -> Filter:
    return lambda f: (pd.to_numeric(f[column]) > value).fillna(False).to_numpy(dtype=bool)


def _all(*filters: Filter) -> Filter:
    def combined(frame: pd.DataFrame) -> np.ndarray:
        mask = np.ones(len(frame), dtype=bool)
        for keep in filters:
            mask &= keep(frame)
        return mask

    return combined


def _hours(n: float) -> pd.Timedelta:
    return pd.Timedelta(hours=n)


def _days(n: int) -> pd.Timedelta:
    return pd.Timedelta(days=n)


# Work orders are only copied from closed orders with every process timestamp: such a copy is
# valid as it is, so the one change made to it is the only thing wrong with it.
_COMPLETE_ORDER: Final = _all(_eq("status", "closed"), _notna(*PROCESS_TIMESTAMPS))
_MAINTENANCE: Final = _all(_COMPLETE_ORDER, _eq("service_type", "maintenance"), _isna("fault_code"))
_FAULT_ORDER: Final = _all(
    _COMPLETE_ORDER, _isin("service_type", ("repair", "accident")), _notna("fault_code")
)
_NOT_COMEBACK: Final = _all(_COMPLETE_ORDER, _eq("is_comeback", False), _isna("comeback_reason"))
_TECHNICIAN: Final = _all(_eq("role", "technician"), _notna("technician_level"))
_ADVISOR: Final = _all(_eq("role", "service_advisor"), _isna("technician_level"))
_LABOR_LINE: Final = _all(_eq("line_type", "labor"), _isna("part_in_stock"))
_BILLED_LINE: Final = _all(_eq("accepted", True), _gt("net_amount", 0))
_NO_LATER_COMPLAINT_TIMES: Final = {"first_response_at": NULL, "resolved_at": NULL}


def _order(table: str, later: str, earlier: str, delta: pd.Timedelta, count: int = 1) -> Step:
    """``later`` set to ``earlier`` minus ``delta``: only that declared pair breaks, because a
    column is the later side of one pair at most (checked here) and moving it earlier keeps
    every pair in which it is the earlier side."""
    pairs = RULES[table].order
    if [(p.later, p.earlier) for p in pairs if p.later == later] != [(later, earlier)]:
        raise ValueError(f"{table}: ({later}, {earlier}) must be the only pair ending in {later}")
    return Step(
        table,
        "timestamp_order",
        later,
        {later: Shifted(earlier, -delta)},
        count,
        where=_notna(earlier) if table != "work_orders" else _COMPLETE_ORDER,
    )


def _ref(table: str, column: str, parent: str, count: int = 1, **kw: Any) -> Step:
    return Step(table, "unknown_reference", column, {column: Unknown(parent)}, count, **kw)


def _plan() -> tuple[Step, ...]:
    """The bad rows of a dirty build at scale 1 (besides duplicates, key conflicts and the
    ledger's no-activity rows, which ``inject_bad_rows`` adds per table)."""
    wo, lines, ledger = "work_orders", "work_order_lines", "finance_ledger"
    return (
        # stores
        Step("stores", "not_null", "store_name", {"store_name": NULL}),
        Step("stores", "not_null", "region", {"region": NULL}),
        Step("stores", "invalid_type", "opened_on", {"opened_on": "2024-13-40"}),
        Step("stores", "invalid_type", "floor_area_sqm", {"floor_area_sqm": "abc"}),
        Step("stores", "out_of_range", "service_bays", {"service_bays": 0}, 2),
        Step("stores", "out_of_range", "daily_open_hours", {"daily_open_hours": 25.0}),
        Step("stores", "out_of_range", "floor_area_sqm", {"floor_area_sqm": -80.0}),
        # employees
        Step("employees", "not_null", "store_id", {"store_id": NULL}),
        Step("employees", "not_null", "hired_on", {"hired_on": NULL}),
        Step("employees", "invalid_type", "hired_on", {"hired_on": "2023-02-30", "left_on": NULL}),
        Step(
            "employees",
            "accepted_values",
            "role",
            {"role": "manager", "technician_level": NULL},
            2,
        ),
        Step(
            "employees", "out_of_range", "technician_level", {"technician_level": 4}, 1, _TECHNICIAN
        ),
        Step(
            "employees", "out_of_range", "technician_level", {"technician_level": 0}, 1, _TECHNICIAN
        ),
        Step(
            "employees",
            "timestamp_order",
            "left_on",
            {"left_on": Shifted("hired_on", -_days(45))},
            2,
        ),
        Step(
            "employees",
            "inconsistent",
            "technician_level",
            {"technician_level": NULL},
            1,
            _TECHNICIAN,
        ),
        Step("employees", "inconsistent", "technician_level", {"technician_level": 2}, 1, _ADVISOR),
        _ref("employees", "store_id", "stores", 2),
        # customers
        Step("customers", "not_null", "full_name", {"full_name": NULL}),
        Step("customers", "not_null", "created_on", {"created_on": NULL}),
        Step("customers", "not_null", "acquisition_channel", {"acquisition_channel": NULL}),
        Step("customers", "invalid_type", "created_on", {"created_on": "2024-13-40"}, 2),
        Step(
            "customers",
            "accepted_values",
            "acquisition_channel",
            {"acquisition_channel": "billboard"},
            2,
        ),
        _ref("customers", "referred_by_customer_id", "customers", 2),
        # vehicles
        Step("vehicles", "not_null", "model", {"model": NULL}),
        Step("vehicles", "not_null", "customer_id", {"customer_id": NULL}),
        Step("vehicles", "invalid_type", "vin", {"vin": ShortVin()}, 2),
        Step(
            "vehicles", "invalid_type", "aftersales_intro_done", {"aftersales_intro_done": "maybe"}
        ),
        _order("vehicles", "warranty_end_on", "delivered_on", _days(1), 2),
        _ref("vehicles", "customer_id", "customers", 2),
        _ref("vehicles", "selling_store_id", "stores", 2),
        # work orders
        Step(wo, "not_null", "payer", {"payer": NULL}, 1, _COMPLETE_ORDER),
        Step(wo, "not_null", "delivered_at", {"delivered_at": NULL}, 2, _COMPLETE_ORDER),
        Step(wo, "not_null", "work_started_at", {"work_started_at": NULL}, 1, _COMPLETE_ORDER),
        Step(wo, "invalid_type", "is_comeback", {"is_comeback": "maybe"}, 2, _NOT_COMEBACK),
        Step(wo, "invalid_type", "odometer_km", {"odometer_km": "12x"}, 1, _COMPLETE_ORDER),
        Step(wo, "accepted_values", "service_type", {"service_type": "recall"}, 1, _MAINTENANCE),
        Step(
            wo,
            "accepted_values",
            "booking_channel",
            {"booking_channel": "email"},
            1,
            _COMPLETE_ORDER,
        ),
        Step(wo, "accepted_values", "payer", {"payer": "oem_goodwill"}, 1, _COMPLETE_ORDER),
        Step(wo, "accepted_values", "status", {"status": "open"}, 1, _COMPLETE_ORDER),
        Step(
            wo, "accepted_values", "fault_system", {"fault_system": "transmission"}, 1, _FAULT_ORDER
        ),
        Step(
            wo,
            "accepted_values",
            "comeback_reason",
            {"is_comeback": True, "comeback_reason": "weather"},
            1,
            _COMPLETE_ORDER,
        ),
        Step(wo, "out_of_range", "odometer_km", {"odometer_km": -120}, 2, _COMPLETE_ORDER),
        _order(wo, "reception_started_at", "arrived_at", _hours(0.25)),
        _order(wo, "reception_ended_at", "reception_started_at", _hours(0.1)),
        _order(wo, "work_started_at", "reception_ended_at", _hours(0.5)),
        _order(wo, "work_completed_at", "work_started_at", _hours(1)),
        _order(wo, "delivered_at", "work_completed_at", _hours(0.5), 2),
        _order(wo, "promised_at", "arrived_at", _hours(2)),
        Step(
            wo,
            "inconsistent",
            "fault_code",
            {"fault_code": "ENG-001", "fault_system": "engine"},
            1,
            _MAINTENANCE,
        ),
        Step(wo, "inconsistent", "fault_system", {"fault_system": NULL}, 1, _FAULT_ORDER),
        Step(
            wo,
            "inconsistent",
            "comeback_reason",
            {"comeback_reason": "workmanship"},
            1,
            _NOT_COMEBACK,
        ),
        _ref(wo, "store_id", "stores", where=_COMPLETE_ORDER),
        _ref(wo, "vin", "vehicles", where=_COMPLETE_ORDER),
        _ref(wo, "customer_id", "customers", where=_COMPLETE_ORDER),
        _ref(wo, "advisor_id", "employees", where=_COMPLETE_ORDER),
        _ref(wo, "technician_id", "employees", where=_COMPLETE_ORDER),
        _ref(wo, "comeback_of_work_order_id", "work_orders", where=_COMPLETE_ORDER),
        # A row that breaks two rules at once: counted under both, set aside once.
        Step(
            wo,
            "unknown_reference",
            "store_id",
            {"store_id": Unknown("stores"), "odometer_km": -5},
            1,
            _COMPLETE_ORDER,
            also=(("out_of_range", "odometer_km"),),
        ),
        # work order lines
        Step(lines, "not_null", "item_code", {"item_code": NULL}),
        Step(lines, "not_null", "work_order_id", {"work_order_id": NULL}),
        Step(lines, "not_null", "accepted", {"accepted": NULL}, 1, _LABOR_LINE),
        Step(
            lines, "invalid_type", "recommended_by_advisor", {"recommended_by_advisor": "maybe"}, 2
        ),
        Step(lines, "invalid_type", "quantity", {"quantity": "abc"}),
        Step(lines, "accepted_values", "line_type", {"line_type": "warranty_part"}, 1, _LABOR_LINE),
        Step(lines, "accepted_values", "revenue_category", {"revenue_category": "insurance"}),
        Step(lines, "out_of_range", "quantity", {"quantity": 0.0}),
        Step(lines, "out_of_range", "sold_hours", {"sold_hours": -1.5}),
        Step(lines, "out_of_range", "cost_amount", {"cost_amount": -20.0}),
        Step(
            lines,
            "inconsistent",
            "net_amount",
            {
                "net_amount": Computed(
                    lambda r: round(r["list_amount"] - r["discount_amount"] + 15.0, 2)
                )
            },
            2,
            _BILLED_LINE,
        ),
        Step(lines, "inconsistent", "net_amount", {"accepted": False}, 1, _BILLED_LINE),
        Step(lines, "inconsistent", "part_in_stock", {"part_in_stock": True}, 1, _LABOR_LINE),
        _ref(lines, "work_order_id", "work_orders", 3),
        # technician time clock
        Step("technician_time", "not_null", "store_id", {"store_id": NULL}),
        Step("technician_time", "not_null", "available_hours", {"available_hours": NULL}),
        Step("technician_time", "invalid_type", "available_hours", {"available_hours": "n/a"}),
        Step("technician_time", "out_of_range", "available_hours", {"available_hours": 25.0}),
        Step("technician_time", "out_of_range", "clocked_hours", {"clocked_hours": -1.0}),
        _ref("technician_time", "employee_id", "employees", 2),
        _ref("technician_time", "store_id", "stores"),
        # surveys
        Step("surveys", "not_null", "sent_at", {"sent_at": NULL}),
        Step("surveys", "not_null", "customer_id", {"customer_id": NULL}),
        Step(
            "surveys",
            "invalid_type",
            "sent_at",
            {"sent_at": "2024-02-30 09:15:00", "responded_at": NULL},
        ),
        Step("surveys", "invalid_type", "nps_score", {"nps_score": "ten"}),
        Step("surveys", "out_of_range", "nps_score", {"nps_score": 11}),
        Step("surveys", "out_of_range", "csi_score", {"csi_score": 105.0}),
        Step("surveys", "out_of_range", "score_price", {"score_price": 0}),
        Step("surveys", "out_of_range", "score_waiting", {"score_waiting": 11}),
        _order("surveys", "responded_at", "sent_at", _hours(1), 2),
        _ref("surveys", "work_order_id", "work_orders"),
        _ref("surveys", "customer_id", "customers"),
        _ref("surveys", "store_id", "stores"),
        # contacts
        Step("contacts", "not_null", "channel", {"channel": NULL}),
        Step("contacts", "not_null", "planned_on", {"planned_on": NULL}),
        Step("contacts", "invalid_type", "planned_on", {"planned_on": "2024-13-40"}),
        Step("contacts", "invalid_type", "sent_at", {"sent_at": "2024-06-01 25:00:00"}),
        Step("contacts", "invalid_type", "reached", {"reached": "maybe"}),
        Step("contacts", "accepted_values", "contact_type", {"contact_type": "birthday_greeting"}),
        Step("contacts", "accepted_values", "channel", {"channel": "email"}),
        _ref("contacts", "customer_id", "customers"),
        _ref("contacts", "vin", "vehicles"),
        _ref("contacts", "store_id", "stores"),
        _ref("contacts", "related_work_order_id", "work_orders"),
        # coupons
        Step("coupons", "not_null", "campaign", {"campaign": NULL}),
        Step("coupons", "not_null", "issued_on", {"issued_on": NULL}),
        Step("coupons", "invalid_type", "face_value", {"face_value": "free"}),
        Step("coupons", "out_of_range", "face_value", {"face_value": -50.0}, 2),
        _order("coupons", "expires_on", "issued_on", _days(1), 2),
        _ref("coupons", "customer_id", "customers"),
        _ref("coupons", "store_id", "stores"),
        _ref("coupons", "redeemed_work_order_id", "work_orders"),
        # complaints
        Step("complaints", "not_null", "category", {"category": NULL}),
        Step("complaints", "not_null", "opened_at", {"opened_at": NULL}),
        Step(
            "complaints",
            "invalid_type",
            "opened_at",
            {"opened_at": "2024-02-30 10:00:00", **_NO_LATER_COMPLAINT_TIMES},
        ),
        Step("complaints", "accepted_values", "category", {"category": "noise"}, 2),
        _order("complaints", "first_response_at", "opened_at", _hours(2)),
        _order("complaints", "resolved_at", "opened_at", _hours(1)),
        _ref("complaints", "customer_id", "customers"),
        _ref("complaints", "store_id", "stores"),
        _ref("complaints", "work_order_id", "work_orders"),
        # online reviews
        Step("online_reviews", "not_null", "platform", {"platform": NULL}),
        Step("online_reviews", "not_null", "rating", {"rating": NULL}),
        Step(
            "online_reviews",
            "invalid_type",
            "posted_at",
            {"posted_at": "2024-06-01 25:00:00", "responded_at": NULL},
        ),
        Step("online_reviews", "invalid_type", "rating", {"rating": "five"}),
        Step("online_reviews", "accepted_values", "platform", {"platform": "yelp"}, 2),
        Step("online_reviews", "out_of_range", "rating", {"rating": 0}, resent=True),
        Step("online_reviews", "out_of_range", "rating", {"rating": 6}),
        _order("online_reviews", "responded_at", "posted_at", _hours(1), 2),
        _ref("online_reviews", "store_id", "stores", 2),
        Step(
            "online_reviews",
            "out_of_range",
            "rating",
            {"rating": 9, "platform": "tripadvisor"},
            also=(("accepted_values", "platform"),),
        ),
        # finance ledger (see module doc for why some rows are replaced in place)
        Step(ledger, "not_null", "amount", {"amount": NULL}, in_place=True),
        Step(ledger, "invalid_type", "amount", {"amount": "n/a"}, in_place=True),
        Step(ledger, "out_of_range", "amount", {"amount": -1250.0}, 2, in_place=True),
        _ref(ledger, "store_id", "stores"),  # new key: the store is unknown
    )


#: A change that keeps a row valid but makes it differ, for the second row of a key conflict.
_VARIANTS: Final[dict[str, tuple[str, Callable[[pd.Series], Any]]]] = {
    "stores": ("store_name", lambda r: f"{r['store_name']} (old)"),
    "employees": ("hired_on", lambda r: r["hired_on"] - pd.Timedelta(days=1)),
    "customers": ("phone", lambda r: f"{r['phone']}0"),
    "vehicles": ("model", lambda r: f"{r['model']} Facelift"),
    "work_orders": ("odometer_km", lambda r: int(r["odometer_km"]) + 100),
    "work_order_lines": ("description", lambda r: f"{r['description']} (revised)"),
    "technician_time": (
        "available_hours",
        lambda r: (
            r["available_hours"] + 0.5
            if r["available_hours"] <= 23.5
            else r["available_hours"] - 0.5
        ),
    ),
    "surveys": ("sent_at", lambda r: r["sent_at"] - pd.Timedelta(minutes=1)),
    "contacts": ("reached", lambda r: not bool(r["reached"])),
    "coupons": ("campaign", lambda r: f"{r['campaign']} B"),
    "complaints": (
        "category",
        lambda r: next(
            c for c in ACCEPTED_VALUES[("complaints", "category")] if c != r["category"]
        ),
    ),
    "online_reviews": ("rating", lambda r: int(r["rating"]) % 5 + 1),
    "finance_ledger": ("amount", lambda r: round(float(r["amount"]) + 100.0, 2)),
}

#: Exact copies (re-sent rows) per table at scale 1; the first pick is sent three times.
_DUPLICATES: Final = {t.name: 3 for t in TABLES} | {
    "stores": 2,
    "work_orders": 4,
    "coupons": 2,  # plus the copy of a conflicting row
    "online_reviews": 2,  # plus the re-sent out-of-range row
}
#: Tables whose key conflicts also get an exact copy of one conflicting row (duplicate_row).
_CONFLICT_COPY: Final = ("coupons", "work_order_lines")
_NO_ACTIVITY_ROWS: Final = 4
_BAD_ACCOUNTS: Final = ("revenue_other", "opex_misc", "Revenue_Repair", "cogs_freight")


# --------------------------------------------------------------------------------------------
# Injection
# --------------------------------------------------------------------------------------------
@dataclass
class _Row:
    """A bad row to add (``position`` is its template) or to write over (``in_place``)."""

    position: int
    values: dict[str, Any]
    breaks: tuple[Break, ...]
    in_place: bool = False


@dataclass
class _Marked:
    """A real row left as it is that must be set aside (the real half of a key conflict)."""

    position: int
    breaks: tuple[Break, ...]


class _Injector:
    """Builds the bad rows of one dirty build; state is the clean tables and what was drawn."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], rng: np.random.Generator, scale: float):
        self.clean = tables
        self.rng = rng
        self.scale = scale
        self.rows: dict[str, list[_Row]] = defaultdict(list)
        self.marked: dict[str, list[_Marked]] = defaultdict(list)
        self.used: dict[str, set[int]] = defaultdict(set)  # real rows copied, marked or replaced
        self.serial: Counter[str] = Counter()
        self.next_work_date: dict[str, pd.Timestamp] = {}
        self.ledger_keys: set[tuple[str, pd.Timestamp, str]] = set()
        self.taken: dict[tuple[str, str, str], set[str]] = {}
        self.masks: dict[tuple[str, int], np.ndarray] = {}
        self.prefixes: dict[tuple[str, str], str] = {}
        self.key_arrays: dict[tuple[str, str], pa.Array] = {}

    # -- counts and templates ---------------------------------------------------------------
    def scaled(self, count: int) -> int:
        return max(1, round(count * self.scale))

    def template(self, table: str, where: Filter | None, fresh: bool = False) -> int | None:
        """A random real row matching ``where``; ``fresh`` excludes rows already used."""
        frame = self.clean[table]
        if where is None:
            mask = np.ones(len(frame), dtype=bool)
        else:  # the plan reuses a few filters: evaluate each once per table (large tables)
            cache_key = (table, id(where))
            if cache_key not in self.masks:
                self.masks[cache_key] = where(frame)
            mask = self.masks[cache_key].copy()
        if fresh and self.used[table]:
            mask[list(self.used[table])] = False
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return None
        return int(self.rng.choice(candidates))

    # -- fresh and unknown keys ---------------------------------------------------------------
    def fresh_key(self, table: str, row: pd.Series) -> dict[str, Any]:
        """A key no clean row has and no other injected row was given."""
        if table == "technician_time":
            return {"employee_id": row["employee_id"], "work_date": self._fresh_work_date(row)}
        if table == "finance_ledger":  # its plan steps change a key column themselves
            return {}
        (column,) = TABLES_BY_NAME[table].key
        if table == "vehicles":
            return {column: self._new_id(table, column, "DQV", _VIN_LENGTH)}
        return {column: self._new_id(table, column, self._prefix(table, column) + "DQ", 0)}

    def unknown(self, parent: str) -> str:
        """An id that is not a key of ``parent`` (nor of any row injected into it)."""
        (column,) = TABLES_BY_NAME[parent].key
        if parent == "vehicles":
            return self._new_id(parent, column, "UNKNOWNV", _VIN_LENGTH, tag="unknown")
        return self._new_id(parent, column, self._prefix(parent, column) + "X", 0, tag="unknown")

    def short_vin(self) -> str:
        return self._new_id("vehicles", "vin", "DQS", _VIN_LENGTH - 5, tag="short")

    def _new_id(self, table: str, column: str, prefix: str, length: int, tag: str = "") -> str:
        """``prefix`` + a serial number (padded to ``length`` characters when given), skipping
        any value a clean row already has."""
        taken = self._taken(table, column, prefix)
        width = length - len(prefix) if length else 5
        while True:
            self.serial[f"{table}/{tag}"] += 1
            candidate = f"{prefix}{str(self.serial[f'{table}/{tag}']).zfill(width)}"
            if candidate not in taken:
                return candidate

    def _prefix(self, table: str, column: str) -> str:
        if (table, column) not in self.prefixes:
            self.prefixes[(table, column)] = _prefix(self.clean[table][column])
        return self.prefixes[(table, column)]

    def _taken(self, table: str, column: str, prefix: str) -> set[str]:
        """Clean key values starting with ``prefix`` (usually none: one pass per prefix, no set
        of every key of a 20-million-row table)."""
        cache_key = (table, column, prefix)
        if cache_key not in self.taken:
            if (table, column) not in self.key_arrays:
                values = self.clean[table][column].to_numpy(dtype=object)
                self.key_arrays[(table, column)] = pa.array(values, pa.string(), from_pandas=True)
            keys = self.key_arrays[(table, column)]
            matching = keys.filter(pc.fill_null(pc.starts_with(keys, prefix), False))
            self.taken[cache_key] = set(matching.to_pylist())
        return self.taken[cache_key]

    def _fresh_work_date(self, row: pd.Series) -> pd.Timestamp:
        employee = row["employee_id"]
        if employee not in self.next_work_date:
            frame = self.clean["technician_time"]
            last = frame.loc[frame["employee_id"] == employee, "work_date"].max()
            self.next_work_date[employee] = pd.Timestamp(last)
        self.next_work_date[employee] += pd.Timedelta(days=1)
        return self.next_work_date[employee]

    # -- values -------------------------------------------------------------------------------
    def resolve(self, value: Any, row: pd.Series) -> Any:
        if isinstance(value, Unknown):
            return self.unknown(value.parent)
        if isinstance(value, Shifted):
            return row[value.column] + value.delta
        if isinstance(value, ShortVin):
            return self.short_vin()
        if isinstance(value, Computed):
            return value.compute(row)
        return value

    # -- steps ----------------------------------------------------------------------------
    def run_step(self, step: Step) -> None:
        for number in range(self.scaled(step.count)):
            position = self.template(step.table, step.where, fresh=step.in_place)
            if position is None:
                continue
            row = self.clean[step.table].iloc[position]
            values = {} if step.in_place else self.fresh_key(step.table, row)
            values.update({c: self.resolve(v, row) for c, v in step.values.items()})
            breaks = ((step.rule, step.column), *step.also)
            self.rows[step.table].append(_Row(position, values, breaks, step.in_place))
            if step.in_place:
                self.used[step.table].add(position)
            if step.resent and number == 0:  # further copies are not checked again
                self.rows[step.table].append(_Row(position, dict(values), (_DUPLICATE,)))

    def duplicates(self, table: str) -> None:
        """Exact copies of real rows; the first chosen row is re-sent twice."""
        count = self.scaled(_DUPLICATES[table])
        copies: list[int] = []
        while len(copies) < count:
            position = self.template(table, None, fresh=True)
            if position is None:
                break
            self.used[table].add(position)
            copies.extend([position] * (2 if not copies and count >= 3 else 1))
        for position in copies[:count]:
            self.rows[table].append(_Row(position, {}, (_DUPLICATE,)))

    def key_conflicts(self, table: str, pairs: int = 1) -> None:
        """Rows sharing a key but differing in one column: all of them are set aside."""
        column, vary = _VARIANTS[table]
        rule: Break = ("key_conflict", key_conflict_column(table))
        where = _COMPLETE_ORDER if table == "work_orders" else None
        for number in range(self.scaled(pairs)):
            position = self.template(table, where, fresh=table == "finance_ledger")
            if position is None:
                return
            row = self.clean[table].iloc[position]
            if table == "finance_ledger":  # no fresh key available: conflict with a real row
                self.used[table].add(position)
                self.marked[table].append(_Marked(position, (rule,)))
                first: dict[str, Any] = {}
            else:
                first = self.fresh_key(table, row)
                self.rows[table].append(_Row(position, dict(first), (rule,)))
            second = {**first, column: vary(row)}
            if _same(second[column], row[column]):
                raise AssertionError(f"key-conflict variant of {table}.{column} does not differ")
            self.rows[table].append(_Row(position, second, (rule,)))
            if number == 0 and table in _CONFLICT_COPY:
                self.rows[table].append(_Row(position, dict(first), (_DUPLICATE,)))

    def ledger_rows(self) -> None:
        """Ledger rows for store-months without DMS activity, unknown accounts, and one row whose
        month is no first of month (in a month without activity, so it breaks both rules
        whichever way a check reads the month)."""
        ledger = self.clean["finance_ledger"]
        self.ledger_keys = {
            (s, pd.Timestamp(m), a)
            for s, m, a in ledger[["store_id", "period_month", "account"]].itertuples(index=False)
        }
        inactive = self._inactive_months()
        picks = self.rng.permutation(len(inactive)) if inactive else np.array([], dtype=int)
        wanted = self.scaled(_NO_ACTIVITY_ROWS)
        activity: Break = ("no_dms_activity", "period_month")
        for number, pick in enumerate(picks[: wanted + 1]):
            store, month = inactive[int(pick)]
            position = self.template("finance_ledger", None)
            if position is None:
                return
            values: dict[str, Any]
            if number < wanted:
                values = {"store_id": store, "period_month": month}
                breaks: tuple[Break, ...] = (activity,)
            else:
                values = {"store_id": store, "period_month": month + pd.Timedelta(days=14)}
                breaks = (("inconsistent", "period_month"), activity)
            self.rows["finance_ledger"].append(_Row(position, values, breaks))
        for number in range(self.scaled(2)):
            self._unknown_account(number)

    def _unknown_account(self, number: int) -> None:
        ledger = self.clean["finance_ledger"]
        for _ in range(100):
            position = self.template("finance_ledger", None)
            if position is None:
                return
            row = ledger.iloc[position]
            draw = number + int(self.rng.integers(len(_BAD_ACCOUNTS)))
            account = _BAD_ACCOUNTS[draw % len(_BAD_ACCOUNTS)]
            key = (row["store_id"], pd.Timestamp(row["period_month"]), account)
            if key not in self.ledger_keys:
                self.ledger_keys.add(key)
                breaks: tuple[Break, ...] = (("accepted_values", "account"),)
                self.rows["finance_ledger"].append(_Row(position, {"account": account}, breaks))
                return

    def _inactive_months(self) -> list[tuple[str, pd.Timestamp]]:
        """(store, first of month) with no closed order delivered, within six months before a
        store's first active month or after the last active month of the whole network."""
        active = _active_store_months(self.clean["work_orders"])
        if not active:
            return []
        last = max(month for _, month in active)
        first_active: dict[str, pd.Timestamp] = {}
        for store, month in active:
            first_active[store] = min(month, first_active.get(store, month))
        booked = {(store, month) for store, month, _ in self.ledger_keys}
        candidates = set()
        for store in self.clean["stores"]["store_id"].tolist():
            first = first_active.get(store, last)
            for offset in range(1, 7):
                for month in (
                    first - pd.DateOffset(months=offset),
                    last + pd.DateOffset(months=offset),
                ):
                    pair = (store, pd.Timestamp(month))
                    if pair not in active and pair not in booked:
                        candidates.add(pair)
        return sorted(candidates)

    # -- result -------------------------------------------------------------------------------
    def build(self) -> tuple[dict[str, pd.DataFrame], DirtyReport]:
        tables: dict[str, pd.DataFrame] = {}
        counts: dict[str, TableCounts] = {}
        expected: Counter[tuple[str, str, str | None]] = Counter()
        set_aside: list[SetAsideRow] = []
        for table in TABLES:
            clean = self.clean[table.name]
            rows, marked = self.rows[table.name], self.marked[table.name]
            dirty = _materialize(clean, rows, table)
            tables[table.name] = dirty
            added = [r for r in rows if not r.in_place]
            replaced = [r for r in rows if r.in_place]
            for position, breaks in _set_aside_positions(len(clean), rows, marked):
                for rule, column in breaks:
                    expected[(table.name, rule, column)] += 1
                set_aside.append(
                    SetAsideRow(
                        table.name,
                        _key_text(dirty.iloc[position], table),
                        tuple(f"{rule}:{column}" if column else rule for rule, column in breaks),
                    )
                )
            aside = len(added) + len(replaced) + len(marked)
            counts[table.name] = TableCounts(
                rows_clean=len(clean),
                rows_added=len(added),
                rows_replaced=len(replaced),
                rows_total=len(dirty),
                rows_set_aside=aside,
                rows_staged=len(dirty) - aside,
            )
        report = DirtyReport(
            scale=self.scale,
            tables=counts,
            expected=[
                ExpectedCount(t, r, c, n)
                for (t, r, c), n in sorted(expected.items(), key=lambda kv: _sort_key(kv[0]))
            ],
            rows=sorted(set_aside, key=lambda r: (r.table, sorted(r.key.items()), r.rules)),
        )
        return tables, report


def inject_bad_rows(
    tables: Mapping[str, pd.DataFrame], rng: np.random.Generator, scale: float = 1.0
) -> tuple[dict[str, pd.DataFrame], DirtyReport]:
    """Return copies of the clean ``tables`` with bad rows of every catalog rule, and the report
    of what the quarantine must find. Clean rows come first and are untouched, except the few
    ledger rows written over (``rows_replaced``); bad rows follow. ``scale`` multiplies the
    number of bad rows of every kind (at least one each).
    """
    if scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    missing = [t.name for t in TABLES if t.name not in tables]
    if missing:
        raise ValueError(f"inject_bad_rows needs every table; missing: {', '.join(missing)}")
    injector = _Injector(tables, rng, scale)
    for table in TABLES:
        injector.duplicates(table.name)
        injector.key_conflicts(table.name)
    plan = _plan()
    _check_plan(plan)
    for step in plan:
        injector.run_step(step)
    injector.ledger_rows()
    return injector.build()


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------
def _check_plan(plan: tuple[Step, ...]) -> None:
    for step in plan:
        for rule, column in ((step.rule, step.column), *step.also):
            if column not in rule_columns(step.table, rule):
                raise ValueError(f"the catalog has no rule {rule} on {step.table}.{column}")


def _prefix(ids: pd.Series) -> str:
    """The letters an id starts with (``S`` of ``S001``), so fabricated ids look like ids."""
    position = ids.first_valid_index()
    match = re.match(r"[A-Za-z]*", str(ids.loc[position])) if position is not None else None
    return match.group(0) if match else ""


def _same(a: Any, b: Any) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return bool(a == b)


def _active_store_months(work_orders: pd.DataFrame) -> set[tuple[str, pd.Timestamp]]:
    closed = (work_orders["status"] == "closed") & work_orders["delivered_at"].notna()
    pairs = pd.DataFrame(
        {
            "store": work_orders.loc[closed, "store_id"].to_numpy(dtype=object),
            "month": work_orders.loc[closed, "delivered_at"].to_numpy("datetime64[M]"),
        }
    ).drop_duplicates()
    return {
        (store, pd.Timestamp(month)) for store, month in pairs.itertuples(index=False, name=None)
    }


def _set_aside_positions(
    clean_rows: int, rows: list[_Row], marked: list[_Marked]
) -> list[tuple[int, tuple[Break, ...]]]:
    """Positions in the dirty table of every set-aside row, with its breaks."""
    result = [(m.position, m.breaks) for m in marked]
    result += [(r.position, r.breaks) for r in rows if r.in_place]
    added = [r for r in rows if not r.in_place]
    result += [(clean_rows + i, r.breaks) for i, r in enumerate(added)]
    return result


def _materialize(clean: pd.DataFrame, rows: list[_Row], table: Table) -> pd.DataFrame:
    """Clean rows (with in-place replacements) followed by the added rows, dtypes kept wherever
    a column holds no raw text."""
    base = clean if _has_default_index(clean) else clean.reset_index(drop=True)
    replaced = [r for r in rows if r.in_place]
    if replaced:
        base = _apply(base, [r.position for r in replaced], [r.values for r in replaced], table)
    added = [r for r in rows if not r.in_place]
    if not added:
        return base.copy()
    new = clean.iloc[[r.position for r in added]].reset_index(drop=True)
    new = _apply(new, list(range(len(added))), [r.values for r in added], table)
    return _concat(base, new)


def _concat(base: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``base`` rows then ``new`` rows, column by column. Where the new rows hold raw text the
    column becomes object; a datetime column is boxed through numpy (datetime.datetime), which
    is ~15 times faster than pandas' Timestamp boxing on million-row tables."""
    columns = {}
    for name in base.columns:
        old, added = base[name], new[name]
        if pd.api.types.is_object_dtype(added.dtype) and not pd.api.types.is_object_dtype(
            old.dtype
        ):
            values = np.concatenate([_as_objects(old), added.to_numpy(dtype=object)])
            columns[name] = pd.Series(values, dtype=object, name=name)
        else:
            columns[name] = pd.concat([old, added], ignore_index=True)
    return pd.DataFrame(columns, copy=False)  # no block consolidation: it copies everything


def _as_objects(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return series.to_numpy("datetime64[s]").astype(object)
    return series.to_numpy(dtype=object)


def _has_default_index(frame: pd.DataFrame) -> bool:
    index = frame.index
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1


def _apply(
    frame: pd.DataFrame, positions: list[int], values: list[dict[str, Any]], table: Table
) -> pd.DataFrame:
    """``frame`` with ``values[i]`` written into row ``positions[i]``."""
    frame = frame.copy()
    types = {c.name: c.type for c in table.columns}
    for column in sorted({c for v in values for c in v}):
        cells = frame[column].to_numpy(dtype=object).copy()
        for position, row_values in zip(positions, values, strict=True):
            if column in row_values:
                cells[position] = row_values[column]
        frame[column] = _typed(
            cells, frame[column].dtype, types.get(column, "varchar"), frame.index
        )
    return frame


def _typed(cells: np.ndarray, dtype: Any, column_type: str, index: pd.Index) -> pd.Series:
    """Cells back in the column's dtype, or object when they hold raw text (dirty values)."""
    has_text = column_type != "varchar" and any(isinstance(v, str) for v in cells)
    nulls = [_is_null(v) for v in cells]
    if has_text or pd.api.types.is_object_dtype(dtype):
        return pd.Series(
            [None if n else v for v, n in zip(cells, nulls, strict=True)], index, object
        )
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return pd.Series(pd.to_datetime(cells), index).astype(dtype)
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        values = [pd.NA if n else v for v, n in zip(cells, nulls, strict=True)]
        return pd.Series(pd.array(values, dtype=dtype), index)
    if pd.api.types.is_bool_dtype(dtype):
        return pd.Series(pd.array(list(cells), dtype="boolean" if any(nulls) else bool), index)
    return pd.Series(pd.to_numeric(pd.Series(cells, index)).astype(dtype), index)


def _is_null(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _key_text(row: pd.Series, table: Table) -> dict[str, str | None]:
    result: dict[str, str | None] = {}
    for column in table.key:
        value = row[column]
        if _is_null(value):
            result[column] = None
        elif isinstance(value, pd.Timestamp):
            result[column] = value.strftime("%Y-%m-%d")
        else:
            result[column] = str(value)
    return result


def _sort_key(item: tuple[str, str, str | None]) -> tuple[int, int, str]:
    table, rule, column = item
    order = [t.name for t in TABLES]
    return order.index(table), RULE_NAMES.index(rule), column or ""


__all__ = ["DirtyReport", "ExpectedCount", "SetAsideRow", "TableCounts", "inject_bad_rows"]
