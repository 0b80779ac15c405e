"""Shared plumbing of the CRM and ERP simulation (``crm_erp.simulate_crm_erp``).

The CRM/ERP step reads a finished DMS world and derives everything from the closed work orders.
At full size (500 stores x 36 months, ~11 M orders) nothing may loop per order, so the DMS tables
are turned once into flat numpy arrays (:class:`ClosedOrders`, :class:`StoreMonths`): integer codes
instead of id strings, int64 epoch seconds instead of timestamps (``NAT`` marks NULL, which is
also how numpy stores ``NaT``), so every generator below is plain array arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .schema import TABLES_BY_NAME

#: int64 value numpy uses for NaT: a NULL timestamp in the int64-seconds representation.
NAT: int = int(np.iinfo(np.int64).min)
MINUTE: int = 60
HOUR: int = 3600
DAY: int = 86_400

#: Episodes (see dms.py) during which the front office is overloaded: calls slip, reminders are
#: forgotten, complaints wait longer.
STRESS_EPISODES: frozenset[str] = frozenset(
    {"over_efficiency", "quality_out_of_control", "poor_experience"}
)


@dataclass(frozen=True)
class Window:
    """The simulated calendar: ``months`` calendar months from ``start``; ``end`` is exclusive.

    Events after ``end`` have not happened yet when the exports are taken, so generators drop
    them or leave their timestamp NULL (an answer not yet received, a complaint still open).
    """

    start: int
    end: int
    month_starts: np.ndarray  # int64 seconds, one per month, plus the exclusive end

    @classmethod
    def from_config(cls, start: date, months: int) -> Window:
        first = np.datetime64(start, "M")
        bounds = (first + np.arange(months + 1)).astype("datetime64[s]").astype(np.int64)
        return cls(start=int(bounds[0]), end=int(bounds[-1]), month_starts=bounds)

    @property
    def months(self) -> int:
        return len(self.month_starts) - 1

    def month_index(self, seconds: np.ndarray) -> np.ndarray:
        """Index of the calendar month holding each timestamp; -1 outside the window or NULL."""
        values = np.asarray(seconds, dtype=np.int64)
        index = np.searchsorted(self.month_starts, values, side="right") - 1
        outside = (values == NAT) | (values < self.start) | (values >= self.end)
        return np.where(outside, -1, index).astype(np.int64)


def to_seconds(values: pd.Series | np.ndarray) -> np.ndarray:
    """Timestamps or dates as int64 epoch seconds; NULL becomes :data:`NAT`."""
    return np.asarray(pd.to_datetime(values).to_numpy("datetime64[s]")).astype(np.int64)


def from_seconds(values: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_seconds`: datetime64[s] with NaT where the value is :data:`NAT`."""
    return np.asarray(values, dtype=np.int64).view("datetime64[s]")


def seconds_to_text(value: int) -> str:
    """One int64-seconds timestamp in the contract's text format (for the manifest)."""
    return pd.Timestamp(value, unit="s").strftime("%Y-%m-%d %H:%M:%S")


def floor_day(values: np.ndarray) -> np.ndarray:
    """Midnight of each timestamp (dates are midnight timestamps in this representation)."""
    values = np.asarray(values, dtype=np.int64)
    return np.where(values == NAT, NAT, values - values % DAY)


def make_ids(prefix: str, count: int, width: int = 8) -> np.ndarray:
    """Sequential string keys ``<prefix>00000001``… as an object array (pandas varchar)."""
    width = max(width, len(str(count)))
    numbers = np.arange(1, count + 1).astype(f"<U{width}")
    return np.char.add(prefix, np.char.zfill(numbers, width)).astype(object)


def take_ids(ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``ids[codes]`` as an object array, None where the code is -1 (a NULL foreign key)."""
    codes = np.asarray(codes, dtype=np.int64)
    result = np.full(len(codes), None, dtype=object)
    present = codes >= 0
    result[present] = np.asarray(ids, dtype=object)[codes[present]]
    return result


def codes_of(values: pd.Series | np.ndarray, keys: pd.Index) -> np.ndarray:
    """Positions of ``values`` in ``keys`` (-1 for NULL or unknown), for integer joins."""
    return keys.get_indexer(pd.Index(values)).astype(np.int64)


def pick(
    rng: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...], size: int
) -> np.ndarray:
    """``size`` codes drawn from ``options`` with ``weights``, as an object array."""
    probabilities = np.asarray(weights, dtype=np.float64)
    drawn = rng.choice(len(options), size=size, p=probabilities / probabilities.sum())
    return np.asarray(options, dtype=object)[drawn]


def uniform_seconds(rng: np.random.Generator, low: float, high: float, size: int) -> np.ndarray:
    """Whole seconds uniform in [low, high): keeps every timestamp on the contract's 1 s grid."""
    return np.floor(rng.uniform(low, high, size=size)).astype(np.int64)


def business_time(
    rng: np.random.Generator, days: np.ndarray, first_hour: float = 9.0, last_hour: float = 19.0
) -> np.ndarray:
    """A time of day within office hours on each given day (midnight seconds)."""
    return np.asarray(days, dtype=np.int64) + uniform_seconds(
        rng, first_hour * HOUR, last_hour * HOUR, len(days)
    )


def contract_frame(table: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame with exactly the contract columns of ``table``, in order, in project dtypes.

    varchar → object str (None for NULL), integer → Int64, decimal → float rounded to cents,
    date/timestamp → datetime64[s] (NaT for NULL), boolean → bool. Building every output through
    this one function is what keeps the CRM/ERP tables interchangeable with the DMS ones.
    """
    spec = TABLES_BY_NAME[table]
    missing = set(spec.column_names) ^ set(columns)
    if missing:
        raise ValueError(f"{table}: columns do not match the contract: {sorted(missing)}")
    data: dict[str, pd.Series | np.ndarray] = {}
    for column in spec.columns:
        values = columns[column.name]
        if column.type == "varchar":
            data[column.name] = np.asarray(values, dtype=object)
        elif column.type == "integer":
            data[column.name] = pd.array(values, dtype="Int64")
        elif column.type == "decimal":
            data[column.name] = np.round(np.asarray(values, dtype=np.float64), 2)
        elif column.type in ("date", "timestamp"):
            data[column.name] = from_seconds(values)
        else:
            data[column.name] = np.asarray(values, dtype=bool)
    return pd.DataFrame(data, columns=spec.column_names)


def nullable_int(values: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    """Int64 array with NULL where ``present`` is false."""
    return pd.arrays.IntegerArray(
        np.where(present, values, 0).astype(np.int64), ~np.asarray(present, dtype=bool)
    )


@dataclass(frozen=True)
class StoreMonths:
    """``world.store_months`` as (store x month) arrays aligned with ``stores`` and the window.

    Store-months the DMS did not list count as closed with neutral factors.
    """

    store_ids: np.ndarray  # object, stores table order
    is_open: np.ndarray  # bool [store, month]
    bay_utilization: np.ndarray  # float [store, month], NaN unknown
    variable_cost_factor: np.ndarray
    fixed_cost_factor: np.ndarray
    marketing_factor: np.ndarray
    episode: np.ndarray  # object [store, month], None when healthy
    phase: np.ndarray  # object [store, month]: 'ramp' | 'core' | 'recovery' | None
    opened_on: np.ndarray  # int64 seconds per store

    @property
    def episode_core(self) -> np.ndarray:
        """Store-months where an episode is at full strength (its diagnosis must fire).

        Ramp and recovery months are transitions; without a phase column every episode month
        counts as core.
        """
        has_episode = pd.notna(self.episode)
        phase = self.phase.astype(str)
        return has_episode & ((phase == "core") | pd.isna(self.phase))

    @property
    def stress(self) -> np.ndarray:
        """0..1 front-office overload per store-month: stress episodes, or planned bays > 72 %."""
        utilization = np.nan_to_num(self.bay_utilization, nan=0.0)
        load = np.clip((utilization - 0.72) / 0.10, 0.0, 1.0)
        episodic = np.isin(self.episode.astype(str), list(STRESS_EPISODES))
        return np.where(episodic, 1.0, load)


def build_store_months(
    stores: pd.DataFrame, store_months: pd.DataFrame, window: Window
) -> StoreMonths:
    """Align the DMS store-month plan with the store codes and window months used here."""
    store_index = pd.Index(stores["store_id"])
    shape = (len(store_index), window.months)
    store_code = codes_of(store_months["store_id"], store_index)
    month = window.month_index(to_seconds(store_months["period_month"]))
    ok = (store_code >= 0) & (month >= 0)
    store_code, month = store_code[ok], month[ok]
    rows = store_months.loc[ok]

    def grid(column: str, default: float) -> np.ndarray:
        out = np.full(shape, default, dtype=np.float64)
        if column in rows:
            values = pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype=np.float64)
            out[store_code, month] = np.where(np.isnan(values), default, values)
        return out

    is_open = np.zeros(shape, dtype=bool)
    is_open[store_code, month] = rows["is_open"].fillna(False).to_numpy(dtype=bool)
    episode = np.full(shape, None, dtype=object)
    episode[store_code, month] = (
        rows["episode"].where(rows["episode"].notna(), None).to_numpy(dtype=object)
    )
    phase = np.full(shape, None, dtype=object)
    if "episode_phase" in rows:
        phase[store_code, month] = (
            rows["episode_phase"].where(rows["episode_phase"].notna(), None).to_numpy(dtype=object)
        )
    return StoreMonths(
        store_ids=stores["store_id"].to_numpy(dtype=object),
        is_open=is_open,
        bay_utilization=grid("planned_bay_utilization", np.nan),
        variable_cost_factor=grid("variable_cost_factor", 1.0),
        fixed_cost_factor=grid("fixed_cost_factor", 1.0),
        marketing_factor=grid("marketing_factor", 1.0),
        episode=episode,
        phase=phase,
        opened_on=to_seconds(stores["opened_on"]),
    )


def open_at(
    store_months: StoreMonths, window: Window, store: np.ndarray, seconds: np.ndarray
) -> np.ndarray:
    """True where the store is open at that moment: in the window, an open month, after opening."""
    month = window.month_index(seconds)
    inside = (month >= 0) & (store >= 0)
    result = np.zeros(len(month), dtype=bool)
    result[inside] = store_months.is_open[store[inside], month[inside]] & (
        seconds[inside] >= store_months.opened_on[store[inside]]
    )
    return result


@dataclass(frozen=True)
class ClosedOrders:
    """The closed, delivered work orders of the window as aligned arrays (one entry per order).

    Codes point into the DMS tables (``stores``, ``customers``, ``vehicles``, ``employees``) so
    outputs can take the original id strings back without re-hashing. Line totals are per order.
    """

    row: np.ndarray  # row in work_orders
    work_order_id: np.ndarray  # object
    store: np.ndarray
    customer: np.ndarray
    vin: np.ndarray
    advisor: np.ndarray
    service_type: np.ndarray  # object
    payer: np.ndarray  # object
    arrived: np.ndarray
    work_started: np.ndarray
    promised: np.ndarray
    delivered: np.ndarray
    month: np.ndarray
    experience: np.ndarray
    is_data_comeback: np.ndarray
    has_comeback: np.ndarray
    first_visit: np.ndarray  # the customer's first closed order at this store
    net_total: np.ndarray
    list_total: np.ndarray

    def __len__(self) -> int:
        return len(self.work_order_id)

    @property
    def is_rework(self) -> np.ndarray:
        """Free rework paid by the store: the ``internal`` payer (RAW_DATA.md, dms.py ledger)."""
        return np.asarray(self.payer == "internal", dtype=bool)


def _bool_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].fillna(False).to_numpy(dtype=bool)


def build_closed_orders(
    tables: dict[str, pd.DataFrame], window: Window, line_order: np.ndarray
) -> ClosedOrders:
    """Closed orders delivered inside the window, with integer codes and per-order line totals.

    ``line_order`` maps every work-order line to its row in ``work_orders`` (-1 when unknown), so
    the line totals are bincounts rather than a 50-million-row merge.
    """
    orders = tables["work_orders"]
    delivered = to_seconds(orders["delivered_at"])
    month = window.month_index(delivered)
    keep = (orders["status"].to_numpy(dtype=object) == "closed") & (month >= 0)
    rows = np.flatnonzero(keep)
    lines = tables["work_order_lines"]
    net = np.bincount(
        line_order[line_order >= 0],
        weights=lines["net_amount"].to_numpy(np.float64)[line_order >= 0],
        minlength=len(orders),
    )
    gross = np.bincount(
        line_order[line_order >= 0],
        weights=lines["list_amount"].to_numpy(np.float64)[line_order >= 0],
        minlength=len(orders),
    )
    sub = orders.iloc[rows]
    customer = codes_of(sub["customer_id"], pd.Index(tables["customers"]["customer_id"]))
    store = codes_of(sub["store_id"], pd.Index(tables["stores"]["store_id"]))
    arrived = to_seconds(sub["arrived_at"])
    experience = (
        sub["_experience"].to_numpy(dtype=np.float64)
        if "_experience" in sub
        else np.full(len(rows), 8.7)
    )
    return ClosedOrders(
        row=rows,
        work_order_id=sub["work_order_id"].to_numpy(dtype=object),
        store=store,
        customer=customer,
        vin=codes_of(sub["vin"], pd.Index(tables["vehicles"]["vin"])),
        advisor=codes_of(sub["advisor_id"], pd.Index(tables["employees"]["employee_id"])),
        service_type=sub["service_type"].to_numpy(dtype=object),
        payer=sub["payer"].to_numpy(dtype=object),
        arrived=arrived,
        work_started=to_seconds(sub["work_started_at"]),
        promised=to_seconds(sub["promised_at"]),
        delivered=delivered[rows],
        month=month[rows],
        experience=np.nan_to_num(experience, nan=8.7),
        is_data_comeback=_bool_column(sub, "_is_data_comeback"),
        has_comeback=_bool_column(sub, "_has_comeback"),
        first_visit=_first_visits(customer, store, arrived),
        net_total=net[rows],
        list_total=gross[rows],
    )


def _first_visits(customer: np.ndarray, store: np.ndarray, arrived: np.ndarray) -> np.ndarray:
    """True on each customer's earliest order at each store (ties broken by input order)."""
    order = np.lexsort((arrived, store, customer))
    first_sorted = np.ones(len(order), dtype=bool)
    same_group = (customer[order][1:] == customer[order][:-1]) & (
        store[order][1:] == store[order][:-1]
    )
    first_sorted[1:] = ~same_group
    result = np.empty(len(order), dtype=bool)
    result[order] = first_sorted
    return result


def line_order_positions(tables: dict[str, pd.DataFrame]) -> np.ndarray:
    """Row in ``work_orders`` of every line (-1 if the order is unknown).

    The DMS step keeps that row in the internal ``_order`` column; it is used when it agrees
    with the ids (one vectorised comparison instead of hashing ~50 M id strings).
    """
    lines, orders = tables["work_order_lines"], tables["work_orders"]
    if "_order" in lines and len(orders):
        rows = lines["_order"].to_numpy(dtype=np.int64)
        if len(rows) == 0:
            return rows
        in_range = (rows.min() >= 0) and (rows.max() < len(orders))
        ids = orders["work_order_id"].to_numpy(dtype=object)
        if in_range and np.array_equal(ids[rows], lines["work_order_id"].to_numpy(dtype=object)):
            return rows
    return codes_of(lines["work_order_id"], pd.Index(orders["work_order_id"]))


def customer_home_store(orders: ClosedOrders, n_customers: int) -> np.ndarray:
    """The store each customer visits most (-1 without visits): where the CRM owns the relation."""
    if len(orders) == 0:
        return np.full(n_customers, -1, dtype=np.int64)
    pair = pd.DataFrame({"customer": orders.customer, "store": orders.store})
    counts = pair.groupby(["customer", "store"], sort=True).size().reset_index(name="n")
    counts = counts.sort_values(
        ["customer", "n", "store"], ascending=[True, False, True], kind="stable"
    )
    best = counts.drop_duplicates("customer")
    home = np.full(n_customers, -1, dtype=np.int64)
    valid = best["customer"].to_numpy() >= 0
    home[best["customer"].to_numpy()[valid]] = best["store"].to_numpy()[valid]
    return home
