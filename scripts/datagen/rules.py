"""The data-quality rule catalog (docs/data_quality_rules.md) as data.

The catalog's per-table columns (ranges, timestamp pairs, cross-column rules, references) are
declared here once so that the ``--dirty`` injector (``dirty.py``) and the independent checker in
``tests/python/test_dirty.py`` read the same declaration. What is already in ``schema.py`` (keys,
nullability, types, closed code lists) is not repeated: ``not_null``, ``invalid_type`` and
``accepted_values`` follow from it.

Nothing here evaluates a rule: evaluation lives in the consumers, so that a mistake in one of them
cannot hide a mistake in the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, get_args

from datagen.schema import ACCEPTED_VALUES, SURVEY_SCORE_COLUMNS, TABLES, TABLES_BY_NAME

RuleName = Literal[
    "duplicate_row",
    "key_conflict",
    "not_null",
    "invalid_type",
    "accepted_values",
    "out_of_range",
    "timestamp_order",
    "inconsistent",
    "unknown_reference",
    "no_dms_activity",
]

#: Every rule of the catalog, in the catalog's order.
RULE_NAMES: Final[tuple[RuleName, ...]] = get_args(RuleName)


@dataclass(frozen=True)
class Range:
    """A numeric column's allowed interval; ``None`` means unbounded on that side."""

    column: str
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def describe(self) -> str:
        """Readable bound, e.g. ``0 < x <= 24``, for messages and docs."""
        parts = []
        if self.low is not None:
            parts.append(f"{self.low:g} {'<=' if self.low_inclusive else '<'} ")
        parts.append(self.column)
        if self.high is not None:
            parts.append(f" {'<=' if self.high_inclusive else '<'} {self.high:g}")
        return "".join(parts)


@dataclass(frozen=True)
class OrderPair:
    """``later`` must not be earlier than ``earlier``; a break is reported on ``later``."""

    later: str
    earlier: str


@dataclass(frozen=True)
class Reference:
    """A foreign key: a non-empty ``column`` must be a key of the staged ``parent`` table."""

    column: str
    parent: str
    parent_column: str


# Cross-column rules (reported as `inconsistent` on `column`). Like the SQL checks, a rule is
# read on typed values: a value that is empty or cannot be read never breaks one.
@dataclass(frozen=True)
class SetExactlyWhenSet:
    """``column`` is non-empty exactly when ``other`` is non-empty."""

    column: str
    other: str


@dataclass(frozen=True)
class EmptyUnlessIn:
    """``column`` must be empty unless ``when_column`` (when readable) is one of ``values``."""

    column: str
    when_column: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class SetWhenInEmptyWhenIn:
    """``column`` must be set when ``when_column`` is in ``set_values``, empty when in
    ``empty_values`` (other codes are the business of ``accepted_values``)."""

    column: str
    when_column: str
    set_values: tuple[str, ...]
    empty_values: tuple[str, ...]


@dataclass(frozen=True)
class NetAmount:
    """``column`` equals ``list_column`` - ``discount_column`` (± ``tolerance``) when
    ``accepted_column`` is true, and 0 when it is false."""

    column: str
    list_column: str
    discount_column: str
    accepted_column: str
    tolerance: float = 0.01


@dataclass(frozen=True)
class FirstOfMonth:
    """``column`` (a date) is the first day of a month."""

    column: str


Consistency = SetExactlyWhenSet | EmptyUnlessIn | SetWhenInEmptyWhenIn | NetAmount | FirstOfMonth


@dataclass(frozen=True)
class RequiredWhen:
    """Nullable ``columns`` that are required when ``when_column`` is in ``values``.

    Reported as ``not_null`` (the catalog: process timestamps are required on closed orders).
    """

    columns: tuple[str, ...]
    when_column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    """``no_dms_activity``: a row of a staged store whose month (``month_column`` truncated to
    the month) has no staged work order with status ``closed`` delivered in it. Rows of an
    unknown store break ``unknown_reference`` instead (as the SQL check joins staged stores)."""

    store_column: str = "store_id"
    month_column: str = "period_month"


@dataclass(frozen=True)
class TableRules:
    """Everything the catalog says about one raw table beyond ``schema.py``."""

    table: str
    ranges: tuple[Range, ...] = ()
    order: tuple[OrderPair, ...] = ()
    consistency: tuple[Consistency, ...] = ()
    required_when: tuple[RequiredWhen, ...] = ()
    references: tuple[Reference, ...] = ()
    fixed_length: tuple[tuple[str, int], ...] = ()
    activity: Activity | None = None
    key: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # The key is the schema's: taking it from there keeps a single declaration.
        object.__setattr__(self, "key", TABLES_BY_NAME[self.table].key)


def _score_ranges(*columns: str, low: float, high: float) -> tuple[Range, ...]:
    return tuple(Range(column, low, high) for column in columns)


#: Work-order timestamps required on closed orders (cancelled ones may lack them).
PROCESS_TIMESTAMPS: Final = (
    "reception_started_at",
    "reception_ended_at",
    "work_started_at",
    "work_completed_at",
    "promised_at",
    "delivered_at",
)

RULES: Final[dict[str, TableRules]] = {
    rules.table: rules
    for rules in (
        TableRules(
            "stores",
            ranges=(
                Range("service_bays", low=0, low_inclusive=False),
                Range("floor_area_sqm", low=0, low_inclusive=False),
                Range("daily_open_hours", low=0, high=24, low_inclusive=False),
            ),
        ),
        TableRules(
            "employees",
            ranges=(Range("technician_level", 1, 3),),
            order=(OrderPair("left_on", "hired_on"),),
            consistency=(
                SetWhenInEmptyWhenIn(
                    "technician_level", "role", ("technician",), ("service_advisor",)
                ),
            ),
            references=(Reference("store_id", "stores", "store_id"),),
        ),
        TableRules(
            "customers",
            references=(Reference("referred_by_customer_id", "customers", "customer_id"),),
        ),
        TableRules(
            "vehicles",
            order=(OrderPair("warranty_end_on", "delivered_on"),),
            references=(
                Reference("customer_id", "customers", "customer_id"),
                Reference("selling_store_id", "stores", "store_id"),
            ),
            fixed_length=(("vin", 17),),
        ),
        TableRules(
            "work_orders",
            ranges=(Range("odometer_km", low=0),),
            order=(
                OrderPair("reception_started_at", "arrived_at"),
                OrderPair("reception_ended_at", "reception_started_at"),
                OrderPair("work_started_at", "reception_ended_at"),
                OrderPair("work_completed_at", "work_started_at"),
                OrderPair("delivered_at", "work_completed_at"),
                OrderPair("promised_at", "arrived_at"),
            ),
            consistency=(
                SetWhenInEmptyWhenIn(
                    "fault_code",
                    "service_type",
                    ("repair", "accident"),
                    ("maintenance", "accessory"),
                ),
                SetExactlyWhenSet("fault_system", "fault_code"),
                EmptyUnlessIn("comeback_reason", "is_comeback", (True,)),
            ),
            required_when=(RequiredWhen(PROCESS_TIMESTAMPS, "status", ("closed",)),),
            references=(
                Reference("store_id", "stores", "store_id"),
                Reference("vin", "vehicles", "vin"),
                Reference("customer_id", "customers", "customer_id"),
                Reference("advisor_id", "employees", "employee_id"),
                Reference("technician_id", "employees", "employee_id"),
                Reference("comeback_of_work_order_id", "work_orders", "work_order_id"),
            ),
        ),
        TableRules(
            "work_order_lines",
            ranges=(
                Range("quantity", low=0, low_inclusive=False),
                Range("sold_hours", low=0),
                Range("list_amount", low=0),
                Range("discount_amount", low=0),
                Range("net_amount", low=0),
                Range("cost_amount", low=0),
            ),
            consistency=(
                NetAmount("net_amount", "list_amount", "discount_amount", "accepted"),
                EmptyUnlessIn("part_in_stock", "line_type", ("part",)),
            ),
            references=(Reference("work_order_id", "work_orders", "work_order_id"),),
        ),
        TableRules(
            "technician_time",
            ranges=(Range("available_hours", 0, 24), Range("clocked_hours", 0, 24)),
            references=(
                Reference("employee_id", "employees", "employee_id"),
                Reference("store_id", "stores", "store_id"),
            ),
        ),
        TableRules(
            "surveys",
            ranges=(
                Range("nps_score", 0, 10),
                Range("csi_score", 0, 100),
                *_score_ranges(*SURVEY_SCORE_COLUMNS, low=1, high=10),
            ),
            order=(OrderPair("responded_at", "sent_at"),),
            references=(
                Reference("work_order_id", "work_orders", "work_order_id"),
                Reference("customer_id", "customers", "customer_id"),
                Reference("store_id", "stores", "store_id"),
            ),
        ),
        TableRules(
            "contacts",
            references=(
                Reference("customer_id", "customers", "customer_id"),
                Reference("vin", "vehicles", "vin"),
                Reference("store_id", "stores", "store_id"),
                Reference("related_work_order_id", "work_orders", "work_order_id"),
            ),
        ),
        TableRules(
            "coupons",
            ranges=(Range("face_value", low=0),),
            order=(OrderPair("expires_on", "issued_on"),),
            references=(
                Reference("customer_id", "customers", "customer_id"),
                Reference("store_id", "stores", "store_id"),
                Reference("redeemed_work_order_id", "work_orders", "work_order_id"),
            ),
        ),
        TableRules(
            "complaints",
            order=(
                OrderPair("first_response_at", "opened_at"),
                OrderPair("resolved_at", "opened_at"),
            ),
            references=(
                Reference("customer_id", "customers", "customer_id"),
                Reference("store_id", "stores", "store_id"),
                Reference("work_order_id", "work_orders", "work_order_id"),
            ),
        ),
        TableRules(
            "online_reviews",
            ranges=(Range("rating", 1, 5),),
            order=(OrderPair("responded_at", "posted_at"),),
            references=(Reference("store_id", "stores", "store_id"),),
        ),
        TableRules(
            "finance_ledger",
            ranges=(Range("amount", low=0),),
            consistency=(FirstOfMonth("period_month"),),
            references=(Reference("store_id", "stores", "store_id"),),
            activity=Activity(),
        ),
    )
}

#: Tables in the order the checks run: parents before children (the order of ``schema.TABLES``).
CHECK_ORDER: Final[tuple[str, ...]] = tuple(table.name for table in TABLES)


def key_conflict_column(table: str) -> str:
    """The ``column`` a ``key_conflict`` is reported on: the key columns, comma-joined."""
    return ",".join(TABLES_BY_NAME[table].key)


def parent_tables() -> frozenset[str]:
    """Tables that some table references: a bad row there would cascade to its children, so
    the injector only adds rows to them that nothing references."""
    return frozenset(r.parent for rules in RULES.values() for r in rules.references)


def rule_columns(table: str, rule: str) -> frozenset[str]:
    """Columns a ``rule`` is checked on in ``table`` (from this module and ``schema.py``).

    The injector checks its plan against it, so a catalog change cannot leave it reporting a
    rule the warehouse no longer checks. ``duplicate_row`` and ``key_conflict`` have no single
    column (see ``key_conflict_column``) and give the empty set."""
    spec, declared = TABLES_BY_NAME[table], RULES[table]
    if rule == "not_null":
        required = {c.name for c in spec.columns if not c.nullable}
        return frozenset(required | {c for r in declared.required_when for c in r.columns})
    if rule == "invalid_type":
        typed = {c.name for c in spec.columns if c.type != "varchar"}
        return frozenset(typed | {c for c, _ in declared.fixed_length})
    if rule == "accepted_values":
        return frozenset(c for t, c in ACCEPTED_VALUES if t == table)
    if rule == "out_of_range":
        return frozenset(r.column for r in declared.ranges)
    if rule == "timestamp_order":
        return frozenset(p.later for p in declared.order)
    if rule == "inconsistent":
        return frozenset(r.column for r in declared.consistency)
    if rule == "unknown_reference":
        return frozenset(r.column for r in declared.references)
    if rule == "no_dms_activity" and declared.activity is not None:
        return frozenset({declared.activity.month_column})
    return frozenset()


def _check_declaration() -> None:
    """Fail at import if a declared column is not in the schema: a typo would silently disable
    a rule in both the injector and the checker."""
    if set(RULES) != set(TABLES_BY_NAME):
        raise ValueError("rules.RULES must cover exactly schema.TABLES")
    for rules in RULES.values():
        columns = set(TABLES_BY_NAME[rules.table].column_names)
        named: list[str] = [r.column for r in rules.ranges]
        named += [c for pair in rules.order for c in (pair.later, pair.earlier)]
        named += [r.column for r in rules.references]
        named += [c for c, _ in rules.fixed_length]
        for rule in rules.required_when:
            named += [*rule.columns, rule.when_column]
        for rule in rules.consistency:
            named += [v for v in vars(rule).values() if isinstance(v, str) and v in columns]
            named.append(rule.column)
        for reference in rules.references:
            if reference.parent_column not in TABLES_BY_NAME[reference.parent].column_names:
                raise ValueError(f"unknown parent column {reference}")
        unknown = sorted(set(named) - columns)
        if unknown:
            raise ValueError(f"rules for {rules.table} name unknown columns: {unknown}")


_check_declaration()
