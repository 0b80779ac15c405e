"""Tests of the CRM/ERP step (scripts/datagen/crm_erp.py) against a small stub DMS world.

The stub below builds DMS tables with the contract's columns and dtypes plus the internal columns
the DMS step promises (``_experience``, ``_is_data_comeback``, ``_has_comeback``) and a
``store_months`` plan with the five episodes, so these tests do not depend on the DMS helper's
code. One test at the end runs the real ``dms.simulate_dms`` when it is importable.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from datagen import crm_erp
from datagen.config import GeneratorConfig
from datagen.experience import nps_from_scores
from datagen.schema import ACCEPTED_VALUES, TABLES_BY_NAME

CONFIG = GeneratorConfig(stores=5, months=24, start=date(2024, 1, 1), seed=11)
WINDOW_START = pd.Timestamp("2024-01-01")
WINDOW_END = pd.Timestamp("2026-01-01")
#: Stub episodes: store index → (episode, window months).
EPISODES: dict[int, tuple[str, range]] = {
    0: ("over_efficiency", range(16, 19)),
    1: ("cost_out_of_control", range(8, 12)),
    2: ("blind_scale", range(12, 16)),
    3: ("poor_experience", range(6, 11)),
}
NEW_STORE = 4  # opens in the window's fourth month
CUSTOMERS_PER_STORE = 500
CRM_TABLES = ("surveys", "contacts", "coupons", "complaints", "online_reviews", "finance_ledger")
FOREIGN_KEYS: dict[str, dict[str, tuple[str, str]]] = {
    "surveys": {
        "work_order_id": ("work_orders", "work_order_id"),
        "customer_id": ("customers", "customer_id"),
        "store_id": ("stores", "store_id"),
    },
    "contacts": {
        "customer_id": ("customers", "customer_id"),
        "vin": ("vehicles", "vin"),
        "store_id": ("stores", "store_id"),
        "related_work_order_id": ("work_orders", "work_order_id"),
    },
    "coupons": {
        "customer_id": ("customers", "customer_id"),
        "store_id": ("stores", "store_id"),
        "redeemed_work_order_id": ("work_orders", "work_order_id"),
    },
    "complaints": {
        "customer_id": ("customers", "customer_id"),
        "store_id": ("stores", "store_id"),
        "work_order_id": ("work_orders", "work_order_id"),
    },
    "online_reviews": {"store_id": ("stores", "store_id")},
    "finance_ledger": {"store_id": ("stores", "store_id")},
}


# --------------------------------------------------------------------------------------------
# Stub DMS world
# --------------------------------------------------------------------------------------------


@dataclass
class StubWorld:
    tables: dict[str, pd.DataFrame]
    store_months: pd.DataFrame


def _seconds(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("datetime64[s]")


def _episode(store: int, month: int) -> str | None:
    if store in EPISODES and month in EPISODES[store][1]:
        return EPISODES[store][0]
    return None


def _phase(store: int, month: int) -> str | None:
    """The last month of a stub episode is its recovery, the others its core."""
    if _episode(store, month) is None:
        return None
    return "recovery" if month == EPISODES[store][1][-1] else "core"


def _stub_reference(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    n_stores = CONFIG.stores
    store_ids = [f"S{i + 1:03d}" for i in range(n_stores)]
    opened = [date(2015 + i % 8, 3, 1) for i in range(n_stores - 1)] + [date(2024, 4, 10)]
    stores = pd.DataFrame(
        {
            "store_id": store_ids,
            "store_name": [f"Store {i}" for i in range(n_stores)],
            "region": ["East"] * n_stores,
            "city": np.resize(
                ["Shanghai", "Shanghai", "Hangzhou", "Hangzhou", "Suzhou"], n_stores
            ).astype(object),
            "brand": ["BrandA"] * n_stores,
            "opened_on": pd.to_datetime(opened).astype("datetime64[s]"),
            "service_bays": pd.array(rng.integers(8, 15, size=n_stores), dtype="Int64"),
            "floor_area_sqm": np.round(rng.uniform(1500, 3000, size=n_stores), 2),
            "daily_open_hours": np.full(n_stores, 10.0),
        }
    )
    role = np.tile(["service_advisor"] * 3 + ["technician"] * 6, n_stores)
    employees = pd.DataFrame(
        {
            "employee_id": [f"E{i + 1:04d}" for i in range(len(role))],
            "store_id": np.repeat(store_ids, 9).astype(object),
            "role": role.astype(object),
            "technician_level": pd.array(
                np.where(role == "technician", rng.integers(1, 4, size=len(role)), 0), dtype="Int64"
            ),
            "hired_on": pd.Series(pd.to_datetime(["2018-01-01"] * len(role))).astype(
                "datetime64[s]"
            ),
            "left_on": pd.Series(pd.NaT, index=range(len(role))).astype("datetime64[s]"),
        }
    )
    employees.loc[employees["role"] == "service_advisor", "technician_level"] = pd.NA
    n_customers = CUSTOMERS_PER_STORE * n_stores
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i + 1:06d}" for i in range(n_customers)],
            "full_name": [f"Name {i}" for i in range(n_customers)],
            "phone": [f"138{i:08d}" for i in range(n_customers)],
            "created_on": pd.Series(pd.to_datetime(["2019-01-01"] * n_customers)).astype(
                "datetime64[s]"
            ),
            "acquisition_channel": rng.choice(
                ["new_car_sale", "referral", "walk_in"], size=n_customers
            ).astype(object),
            "referred_by_customer_id": np.full(n_customers, None, dtype=object),
        }
    )
    home = np.repeat(np.arange(n_stores), CUSTOMERS_PER_STORE)
    delivered = np.datetime64("2019-06-01", "D") + rng.integers(0, 6 * 365, size=n_customers)
    sold_here = rng.random(n_customers) < 0.6
    vehicles = pd.DataFrame(
        {
            "vin": [f"LSTUB{i:012d}" for i in range(n_customers)],
            "customer_id": customers["customer_id"].to_numpy(),
            "model": np.full(n_customers, "Model X", dtype=object),
            "selling_store_id": np.where(
                sold_here, np.asarray(store_ids, dtype=object)[home], None
            ),
            "delivered_on": delivered.astype("datetime64[s]"),
            "warranty_end_on": (delivered + 3 * 365).astype("datetime64[s]"),
            "aftersales_intro_done": rng.random(n_customers) < 0.9,
        }
    )
    return {"stores": stores, "employees": employees, "customers": customers, "vehicles": vehicles}


def _month_volume(store: int, month: int) -> float:
    if store == NEW_STORE:
        if month < 3:
            return 0.0
        ramp = {3: 0.3, 4: 0.5, 5: 0.75}
        base = 220.0 * ramp.get(month, 1.0)
    else:
        base = 220.0
    if _episode(store, month) == "blind_scale":
        base *= 1.3
    return base * (1.0 + 0.04 * np.sin(month / 12 * 2 * np.pi))


def _stub_orders(reference: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    """One frame of orders (before comebacks) built store-month by store-month."""
    frames = []
    months = np.datetime64("2024-01", "M") + np.arange(CONFIG.months)
    opened = reference["stores"]["opened_on"].to_numpy("datetime64[s]").astype(np.int64)
    for store in range(CONFIG.stores):
        advisors = np.arange(store * 9, store * 9 + 3)
        technicians = np.arange(store * 9 + 3, store * 9 + 9)
        for month in range(CONFIG.months):
            n = rng.poisson(_month_volume(store, month))
            if n == 0:
                continue
            start = months[month].astype("datetime64[s]").astype(np.int64)
            end = (months[month] + 1).astype("datetime64[s]").astype(np.int64)
            first_day = max(start, opened[store])
            day = first_day + rng.integers(0, max((end - first_day) // 86400, 1), size=n) * 86400
            frames.append(
                pd.DataFrame(
                    {
                        "store": store,
                        "month": month,
                        "customer": store * CUSTOMERS_PER_STORE
                        + rng.integers(0, CUSTOMERS_PER_STORE, size=n),
                        "advisor": rng.choice(advisors, size=n),
                        "technician": rng.choice(technicians, size=n),
                        "service_type": rng.choice(
                            ["maintenance", "repair", "accident", "accessory"],
                            size=n,
                            p=[0.5, 0.3, 0.1, 0.1],
                        ),
                        "arrived": day + rng.integers(8 * 3600, 17 * 3600, size=n),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def _add_process_times(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(orders)
    episode = np.array(
        [_episode(s, m) for s, m in zip(orders["store"], orders["month"], strict=True)],
        dtype=object,
    )
    stressed = np.isin(episode, ["poor_experience", "over_efficiency"])
    orders["episode"] = episode
    wait = np.where(stressed, rng.integers(600, 2400, size=n), rng.integers(120, 900, size=n))
    orders["reception_started"] = orders["arrived"] + wait
    orders["reception_ended"] = orders["reception_started"] + rng.integers(600, 1500, size=n)
    queue = np.where(
        stressed, rng.integers(1800, 4 * 3600, size=n), rng.integers(300, 5400, size=n)
    )
    orders["work_started"] = orders["reception_ended"] + queue
    orders["work_completed"] = orders["work_started"] + rng.integers(3600, 4 * 3600, size=n)
    orders["promised"] = orders["arrived"] + 5 * 3600
    orders["delivered"] = orders["work_completed"] + rng.integers(600, 3600, size=n)
    late = orders["delivered"] > orders["promised"]
    experience = rng.normal(8.7, 0.9, size=n) - 1.6 * (episode == "poor_experience")
    experience -= 0.8 * (episode == "over_efficiency") + 0.4 * late
    orders["experience"] = np.clip(experience, 0, 10)
    return orders


def _add_comebacks(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Some repair/accident orders come back within 25 days as free rework (internal payer)."""
    orders["payer"] = rng.choice(
        ["customer", "warranty", "insurance"], size=len(orders), p=[0.8, 0.12, 0.08]
    )
    orders["fault_code"] = np.where(
        orders["service_type"].isin(["repair", "accident"]),
        [f"ELE-{i % 40:03d}" for i in range(len(orders))],
        None,
    )
    rate = np.where(orders["episode"] == "over_efficiency", 0.18, 0.04)
    back = orders["fault_code"].notna().to_numpy() & (rng.random(len(orders)) < rate)
    comeback = orders.loc[back].copy()
    shift = rng.integers(2, 25, size=len(comeback)) * 86400
    for column in (
        "arrived",
        "reception_started",
        "reception_ended",
        "work_started",
        "work_completed",
        "promised",
        "delivered",
    ):
        comeback[column] = (
            orders.loc[back, "delivered"].to_numpy()
            + shift
            + (comeback[column] - comeback["arrived"])
        )
    comeback["payer"] = "internal"
    comeback["experience"] = np.clip(rng.normal(6.0, 1.2, size=len(comeback)), 0, 10)
    comeback["is_comeback"] = True
    comeback["origin"] = orders.index[back]
    comeback = comeback[comeback["delivered"] < WINDOW_END.value // 10**9]
    orders["is_comeback"] = False
    orders["origin"] = -1
    orders["has_comeback"] = False
    orders.loc[comeback["origin"].to_numpy(), "has_comeback"] = True
    orders.loc[orders["has_comeback"], "experience"] -= 1.0
    comeback["has_comeback"] = False
    combined = pd.concat([orders, comeback], ignore_index=True)
    combined["month"] = (
        pd.to_datetime(combined["delivered"], unit="s").dt.to_period("M")
        - pd.Period("2024-01", "M")
    ).apply(lambda offset: offset.n)
    return combined


def _stub_lines(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Labor + part (+ accessory/value-added, + a declined recommendation) per order."""
    closed = orders["status"] == "closed"
    blind = orders["episode"] == "blind_scale"
    discount_rate = np.where(blind, 0.30, 0.05)
    maintenance = orders["service_type"] == "maintenance"
    category = np.where(
        maintenance,
        "maintenance",
        np.where(orders["service_type"] == "accessory", "accessory_value_added", "repair"),
    )
    specs = [
        ("labor", np.ones(len(orders), bool), rng.uniform(200, 800, len(orders)), 0.30, category),
        (
            "part",
            orders["service_type"] != "accessory",
            np.where(
                maintenance, rng.uniform(300, 900, len(orders)), rng.uniform(600, 2500, len(orders))
            ),
            0.66,
            category,
        ),
        (
            "accessory",
            rng.random(len(orders)) < 0.25,
            rng.uniform(100, 800, len(orders)),
            0.45,
            np.full(len(orders), "accessory_value_added"),
        ),
        (
            "value_added",
            rng.random(len(orders)) < 0.2,
            rng.uniform(100, 400, len(orders)),
            0.45,
            np.full(len(orders), "accessory_value_added"),
        ),
    ]
    frames = []
    for line_type, present, list_amount, cost_share, revenue_category in specs:
        rows = np.flatnonzero(present)
        listed = np.round(list_amount[rows], 2)
        free = orders["payer"].to_numpy()[rows] == "internal"
        discount = np.round(np.where(free, listed, listed * discount_rate[rows]), 2)
        accepted = np.ones(len(rows), bool)
        if line_type == "value_added":
            accepted = rng.random(len(rows)) < 0.6
        frames.append(
            pd.DataFrame(
                {
                    "work_order_id": orders["work_order_id"].to_numpy()[rows],
                    "line_type": line_type,
                    "revenue_category": revenue_category[rows],
                    "list_amount": listed,
                    "discount_amount": np.where(accepted, discount, 0.0),
                    "net_amount": np.where(accepted, np.round(listed - discount, 2), 0.0),
                    "cost_amount": np.where(accepted, np.round(listed * cost_share, 2), 0.0),
                    "accepted": accepted,
                    "recommended_by_advisor": line_type == "value_added",
                    "sold_hours": np.where(line_type == "labor", 1.5, 0.0),
                    "part_in_stock": np.where(line_type == "part", True, None),
                }
            )
        )
    lines = pd.concat(frames, ignore_index=True)
    lines = lines[lines["work_order_id"].isin(orders.loc[closed | ~closed, "work_order_id"])]
    return pd.DataFrame(
        {
            "line_id": [f"L{i + 1:08d}" for i in range(len(lines))],
            "work_order_id": lines["work_order_id"].to_numpy(dtype=object),
            "line_type": lines["line_type"].to_numpy(dtype=object),
            "revenue_category": lines["revenue_category"].to_numpy(dtype=object),
            "item_code": np.full(len(lines), "ITEM", dtype=object),
            "description": np.full(len(lines), "stub", dtype=object),
            "quantity": np.ones(len(lines)),
            "sold_hours": lines["sold_hours"].to_numpy(np.float64),
            "list_amount": lines["list_amount"].to_numpy(np.float64),
            "discount_amount": lines["discount_amount"].to_numpy(np.float64),
            "net_amount": lines["net_amount"].to_numpy(np.float64),
            "cost_amount": lines["cost_amount"].to_numpy(np.float64),
            "recommended_by_advisor": lines["recommended_by_advisor"].to_numpy(bool),
            "accepted": lines["accepted"].to_numpy(bool),
            "part_in_stock": lines["part_in_stock"].astype(object).to_numpy(),
            "supplier_id": np.full(len(lines), None, dtype=object),
        }
    )


def _stub_work_orders(reference: dict[str, pd.DataFrame], rng: np.random.Generator) -> pd.DataFrame:
    orders = _stub_orders(reference, rng)
    orders = _add_process_times(orders, rng)
    orders = _add_comebacks(orders, rng)
    orders["key"] = orders.index
    orders = orders.sort_values(["arrived", "store"], kind="stable").reset_index(drop=True)
    orders["work_order_id"] = [f"WO{i + 1:08d}" for i in range(len(orders))]
    id_of_key = pd.Series(orders["work_order_id"].to_numpy(), index=orders["key"])
    orders["comeback_of"] = np.where(orders["is_comeback"], orders["origin"].map(id_of_key), None)
    orders["status"] = np.where(rng.random(len(orders)) < 0.02, "cancelled", "closed")
    orders.loc[orders["is_comeback"] | orders["has_comeback"], "status"] = "closed"
    return orders


def _work_orders_table(orders: pd.DataFrame, reference: dict[str, pd.DataFrame]) -> pd.DataFrame:
    cancelled = orders["status"] == "cancelled"

    def ts(column: str) -> np.ndarray:
        return np.where(
            cancelled, np.datetime64("NaT"), _seconds(orders[column].to_numpy())
        ).astype("datetime64[s]")

    store_ids = reference["stores"]["store_id"].to_numpy(dtype=object)
    employee_ids = reference["employees"]["employee_id"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "work_order_id": orders["work_order_id"].to_numpy(dtype=object),
            "store_id": store_ids[orders["store"].to_numpy()],
            "vin": reference["vehicles"]["vin"].to_numpy(dtype=object)[
                orders["customer"].to_numpy()
            ],
            "customer_id": reference["customers"]["customer_id"].to_numpy(dtype=object)[
                orders["customer"].to_numpy()
            ],
            "advisor_id": employee_ids[orders["advisor"].to_numpy()],
            "technician_id": employee_ids[orders["technician"].to_numpy()],
            "service_type": orders["service_type"].to_numpy(dtype=object),
            "fault_code": orders["fault_code"].to_numpy(dtype=object),
            "fault_system": np.where(orders["fault_code"].notna(), "electrical", None),
            "booking_channel": np.full(len(orders), "app", dtype=object),
            "arrived_at": _seconds(orders["arrived"].to_numpy()),
            "reception_started_at": ts("reception_started"),
            "reception_ended_at": ts("reception_ended"),
            "work_started_at": ts("work_started"),
            "work_completed_at": ts("work_completed"),
            "promised_at": ts("promised"),
            "delivered_at": ts("delivered"),
            "odometer_km": pd.array(np.full(len(orders), 20000), dtype="Int64"),
            "payer": orders["payer"].to_numpy(dtype=object),
            "is_comeback": orders["is_comeback"].to_numpy(bool),
            "comeback_of_work_order_id": orders["comeback_of"].to_numpy(dtype=object),
            "comeback_reason": np.where(orders["is_comeback"], "workmanship", None),
            "status": orders["status"].to_numpy(dtype=object),
            "_experience": orders["experience"].to_numpy(np.float64),
            "_is_data_comeback": orders["is_comeback"].to_numpy(bool),
            "_has_comeback": orders["has_comeback"].to_numpy(bool),
        }
    )


def _stub_store_months(reference: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    months = pd.date_range("2024-01-01", periods=CONFIG.months, freq="MS")
    for store, store_id in enumerate(reference["stores"]["store_id"]):
        for month, start in enumerate(months):
            episode = _episode(store, month)
            rows.append(
                {
                    "store_id": store_id,
                    "period_month": start,
                    "is_open": not (store == NEW_STORE and month < 3),
                    "planned_bay_utilization": 0.82 if episode == "over_efficiency" else 0.68,
                    "planned_technician_efficiency": 1.38 if episode == "over_efficiency" else 1.2,
                    "discount_rate": 0.30 if episode == "blind_scale" else 0.05,
                    "variable_cost_factor": {"cost_out_of_control": 1.5, "blind_scale": 1.3}.get(
                        episode, 1.0
                    ),
                    "fixed_cost_factor": 1.35 if episode == "cost_out_of_control" else 1.0,
                    "marketing_factor": 2.0 if episode == "blind_scale" else 1.0,
                    "episode": episode,
                    "episode_phase": _phase(store, month),
                }
            )
    frame = pd.DataFrame(rows)
    frame["period_month"] = frame["period_month"].astype("datetime64[s]")
    return frame


def make_stub_world(seed: int = 3) -> StubWorld:
    """A 5-store, 24-month DMS world with the contract's columns and the DMS internals."""
    rng = np.random.default_rng(seed)
    reference = _stub_reference(rng)
    orders = _stub_work_orders(reference, rng)
    work_orders = _work_orders_table(orders, reference)
    tables = {
        **reference,
        "work_orders": work_orders,
        "work_order_lines": _stub_lines(orders, rng),
        "technician_time": pd.DataFrame(
            {c: [] for c in TABLES_BY_NAME["technician_time"].column_names}
        ),
    }
    return StubWorld(tables=tables, store_months=_stub_store_months(reference))


# --------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> StubWorld:
    return make_stub_world()


@pytest.fixture(scope="module")
def result(world: StubWorld) -> crm_erp.CrmErpResult:
    return crm_erp.simulate_crm_erp(CONFIG, world, np.random.default_rng(CONFIG.seed))


@pytest.fixture(scope="module")
def closed(world: StubWorld) -> pd.DataFrame:
    orders = world.tables["work_orders"]
    closed = orders[orders["status"] == "closed"].copy()
    closed["period_month"] = (
        closed["delivered_at"].dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")
    )
    return closed.merge(world.store_months[["store_id", "period_month", "episode"]], how="left")


def _store_month_of(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")


def _healthy(world: StubWorld, frame: pd.DataFrame, time_column: str) -> pd.Series:
    """Rows whose store-month has no episode (by the given time column)."""
    keyed = pd.DataFrame(
        {"store_id": frame["store_id"], "period_month": _store_month_of(frame, time_column)}
    )
    merged = keyed.merge(world.store_months[["store_id", "period_month", "episode"]], how="left")
    return merged["episode"].isna().to_numpy()


# --------------------------------------------------------------------------------------------
# Contract
# --------------------------------------------------------------------------------------------

DTYPE_OF = {
    "varchar": "object",
    "integer": "Int64",
    "decimal": "float64",
    "date": "datetime64[s]",
    "timestamp": "datetime64[s]",
    "boolean": "bool",
}


def test_tables_have_exactly_the_contract_columns_and_dtypes(result: crm_erp.CrmErpResult) -> None:
    assert set(result.tables) == set(CRM_TABLES)
    for name, frame in result.tables.items():
        spec = TABLES_BY_NAME[name]
        assert list(frame.columns) == spec.column_names, name
        assert len(frame) > 0, name
        for column in spec.columns:
            assert str(frame[column.name].dtype) == DTYPE_OF[column.type], (name, column.name)
            if not column.nullable:
                assert frame[column.name].notna().all(), (name, column.name)
            if column.type == "decimal":
                values = frame[column.name].dropna().to_numpy()
                assert np.allclose(values, np.round(values, 2)), (name, column.name)
        for (table, column), accepted in ACCEPTED_VALUES.items():
            if table == name:
                assert set(frame[column].dropna()) <= set(accepted), (name, column)


def test_keys_are_unique(result: crm_erp.CrmErpResult) -> None:
    for name, frame in result.tables.items():
        key = list(TABLES_BY_NAME[name].key)
        assert not frame.duplicated(key).any(), name


def test_foreign_keys_resolve(result: crm_erp.CrmErpResult, world: StubWorld) -> None:
    for name, references in FOREIGN_KEYS.items():
        frame = result.tables[name]
        for column, (parent, parent_key) in references.items():
            values = frame[column].dropna()
            assert values.isin(world.tables[parent][parent_key]).all(), (name, column)
    referenced = pd.concat(
        [
            result.tables["surveys"]["work_order_id"],
            result.tables["contacts"]["related_work_order_id"].dropna(),
            result.tables["coupons"]["redeemed_work_order_id"].dropna(),
            result.tables["complaints"]["work_order_id"].dropna(),
        ]
    )
    orders = world.tables["work_orders"].set_index("work_order_id")
    assert (orders.loc[referenced, "status"] == "closed").all()


def test_timestamps_are_ordered(result: crm_erp.CrmErpResult) -> None:
    pairs = {
        "surveys": [("sent_at", "responded_at")],
        "complaints": [
            ("opened_at", "first_response_at"),
            ("opened_at", "resolved_at"),
            ("first_response_at", "resolved_at"),
        ],
        "online_reviews": [("posted_at", "responded_at")],
        "coupons": [("issued_on", "expires_on")],
        "contacts": [("planned_on", "sent_at")],
    }
    for name, checks in pairs.items():
        frame = result.tables[name]
        for earlier, later in checks:
            both = frame[earlier].notna() & frame[later].notna()
            assert (frame.loc[both, earlier] <= frame.loc[both, later]).all(), (
                name,
                earlier,
                later,
            )
    for name, column in [
        ("surveys", "sent_at"),
        ("contacts", "planned_on"),
        ("complaints", "opened_at"),
        ("online_reviews", "posted_at"),
    ]:
        values = result.tables[name][column].dropna()
        assert values.min() >= WINDOW_START and values.max() < WINDOW_END, (name, column)
    for name, column in [
        ("surveys", "responded_at"),
        ("contacts", "sent_at"),
        ("complaints", "resolved_at"),
    ]:
        assert result.tables[name][column].dropna().max() < WINDOW_END, (name, column)


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------


def test_survey_share_and_response_rate(result: crm_erp.CrmErpResult, closed: pd.DataFrame) -> None:
    surveys = result.tables["surveys"]
    assert 0.45 <= len(surveys) / len(closed) <= 0.55
    assert surveys["work_order_id"].is_unique
    answered = surveys["responded_at"].notna()
    assert 0.35 <= answered.mean() <= 0.50
    score_columns = ["nps_score", "csi_score", *[c for c in surveys if c.startswith("score_")]]
    assert surveys.loc[~answered, score_columns].isna().all().all()
    assert surveys.loc[answered, score_columns].notna().all().all()
    normal = surveys.merge(
        closed[["work_order_id", "delivered_at", "_experience"]], on="work_order_id"
    )
    lag = (normal["sent_at"] - normal["delivered_at"]).dt.total_seconds() / 3600
    staff = lag < 0
    assert lag[~staff].between(2, 48).all()
    low = normal["_experience"] < 7
    assert (
        normal.loc[low & ~staff, "responded_at"].notna().mean()
        < normal.loc[~low & ~staff, "responded_at"].notna().mean() - 0.05
    )


def test_survey_scores_follow_the_visit(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame, world: StubWorld
) -> None:
    surveys = result.tables["surveys"].dropna(subset=["responded_at"])
    merged = surveys.merge(closed, on=["work_order_id", "store_id", "customer_id"])
    assert merged[["nps_score", "score_waiting", "score_cleanliness"]].stack().between(0, 10).all()
    assert merged["csi_score"].between(0, 100).all()
    wait_hours = (merged["work_started_at"] - merged["arrived_at"]).dt.total_seconds() / 3600
    # Relative to the visit's other answers, so the test sees the cause, not just the mood.
    waiting = merged["score_waiting"] - merged["score_attitude"]
    assert waiting[wait_hours > 3].mean() < waiting[wait_hours < 1.5].mean() - 0.8
    comeback = merged["_is_data_comeback"]
    for column in ("score_repair_quality", "score_resolution"):
        relative = merged[column] - merged["score_attitude"]
        assert relative[comeback].mean() < relative[~comeback].mean() - 1.0, column
    assert np.corrcoef(merged["_experience"], merged["csi_score"])[0, 1] > 0.6
    healthy = _healthy(world, merged, "delivered_at") & (
        merged["store_id"] != result.manifest["planted"]["staff_filled_surveys"]["store_id"]
    )
    store_csi = merged[healthy].groupby("store_id")["csi_score"].mean()
    assert store_csi.between(85, 92).all(), store_csi
    first_orders = closed.sort_values("arrived_at").drop_duplicates(["customer_id", "store_id"])
    is_first = merged["work_order_id"].isin(first_orders["work_order_id"]).to_numpy()
    slope, intercept = np.polyfit(merged["_experience"], merged["csi_score"], 1)
    residual = merged["csi_score"] - (intercept + slope * merged["_experience"])
    assert residual[is_first & healthy].mean() > residual[~is_first & healthy].mean() + 1.0


def test_nps_per_store_month_follows_experience(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame
) -> None:
    surveys = result.tables["surveys"].dropna(subset=["responded_at"])
    planted = result.manifest["planted"]["staff_filled_surveys"]["store_id"]
    merged = surveys[surveys["store_id"] != planted].merge(
        closed[["work_order_id", "period_month", "episode"]], on="work_order_id"
    )
    nps = merged.groupby(["store_id", "period_month"])["nps_score"].agg(nps_from_scores)
    experience = closed.groupby(["store_id", "period_month"])["_experience"].mean()
    joined = pd.concat([nps.rename("nps"), experience.rename("experience")], axis=1, join="inner")
    assert joined["nps"].corr(joined["experience"]) > 0.5
    episode = merged.groupby(["store_id", "period_month"])["episode"].first()
    poor = joined.index.isin(episode[episode == "poor_experience"].index)
    healthy = joined.index.isin(episode[episode.isna()].index)
    assert joined.loc[poor, "nps"].mean() < joined.loc[healthy, "nps"].mean() - 25


def test_staff_filled_surveys_are_planted_in_one_store(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame
) -> None:
    planted = result.manifest["planted"]["staff_filled_surveys"]
    surveys = result.tables["surveys"].merge(
        closed[["work_order_id", "delivered_at"]], on="work_order_id"
    )
    answered = surveys[surveys["responded_at"].notna()]
    minutes = (answered["responded_at"] - answered["sent_at"]).dt.total_seconds() / 60
    suspicious = minutes.between(1, 5) & (answered["sent_at"] < answered["delivered_at"])
    share = suspicious.groupby(answered["store_id"]).mean()
    assert share.idxmax() == planted["store_id"]
    assert 0.22 <= share[planted["store_id"]] <= 0.28
    assert share.drop(planted["store_id"]).max() == 0
    assert int(suspicious.sum()) == planted["surveys"]
    perfect = answered.loc[
        suspicious, ["nps_score", *[c for c in answered if c.startswith("score_")]]
    ]
    assert (perfect == 10).all().all()


# --------------------------------------------------------------------------------------------
# Contacts and coupons
# --------------------------------------------------------------------------------------------


def test_contacts_rates_and_links(
    result: crm_erp.CrmErpResult, world: StubWorld, closed: pd.DataFrame
) -> None:
    contacts = result.tables["contacts"]
    assert set(contacts["contact_type"]) == set(ACCEPTED_VALUES[("contacts", "contact_type")])
    reminders = contacts[contacts["contact_type"].str.endswith("_reminder")]
    assert 0.93 <= reminders["sent_at"].notna().mean() <= 0.98
    sent = contacts[contacts["sent_at"].notna()]
    assert 0.70 <= sent["reached"].mean() <= 0.85
    assert not contacts.loc[contacts["sent_at"].isna(), "reached"].any()
    keyed = contacts.assign(period_month=_store_month_of(contacts, "planned_on")).merge(
        world.store_months[["store_id", "period_month", "is_open"]], how="left"
    )
    assert keyed["is_open"].fillna(False).all()
    first = contacts[contacts["contact_type"] == "first_maintenance_reminder"].merge(
        world.tables["vehicles"], on="vin"
    )
    assert (first["store_id"] == first["selling_store_id"]).all()
    assert (first["customer_id_x"] == first["customer_id_y"]).all()
    months_after = (first["planned_on"] - first["delivered_on"]).dt.days / 30.4
    assert months_after.between(4.7, 5.2).all()
    warranty = contacts[contacts["contact_type"] == "warranty_expiry_reminder"].merge(
        world.tables["vehicles"], on="vin"
    )
    assert ((warranty["warranty_end_on"] - warranty["planned_on"]).dt.days.between(28, 35)).all()


def test_care_calls_follow_repairs_and_slip_under_stress(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame
) -> None:
    contacts = result.tables["contacts"]
    calls = contacts[contacts["contact_type"] == "care_call"]
    assert calls["related_work_order_id"].notna().all() and calls["related_work_order_id"].is_unique
    assert (
        contacts.loc[contacts["contact_type"] != "care_call", "related_work_order_id"].isna().all()
    )
    repairs = closed[closed["service_type"].isin(["repair", "accident"])]
    merged = repairs.merge(
        calls,
        left_on="work_order_id",
        right_on="related_work_order_id",
        how="left",
        suffixes=("", "_call"),
    )
    assert (merged["customer_id"] == merged["customer_id_call"]).all()
    merged = merged[merged["delivered_at"] < WINDOW_END - pd.Timedelta(days=3)]
    on_time = (merged["sent_at"] - merged["delivered_at"]).dt.total_seconds() <= 72 * 3600
    healthy = merged["episode"].isna()
    stressed = merged["episode"].isin(["poor_experience", "over_efficiency"])
    assert 0.85 <= on_time[healthy].mean() <= 0.93
    assert on_time[stressed].mean() < on_time[healthy].mean() - 0.08


def test_winback_success_is_measurable(result: crm_erp.CrmErpResult, closed: pd.DataFrame) -> None:
    contacts = result.tables["contacts"]
    winback = contacts[
        (contacts["contact_type"] == "winback_campaign") & contacts["sent_at"].notna()
    ]
    assert len(winback) >= 30
    visits = closed[["customer_id", "store_id", "arrived_at", "delivered_at"]]
    pairs = winback.reset_index().merge(visits, on=["customer_id", "store_id"])
    later = pairs[
        (pairs["arrived_at"] > pairs["sent_at"])
        & (pairs["arrived_at"] <= pairs["sent_at"] + pd.Timedelta(days=30))
    ]
    success = winback.index.isin(later["index"])
    assert 0.1 < success.mean() < 0.6
    before = pairs[pairs["delivered_at"] <= pairs["sent_at"]].groupby("index")["delivered_at"].max()
    lapse_days = (winback.loc[before.index, "sent_at"] - before).dt.days
    assert (lapse_days >= 270).all()


def test_coupons_validity_values_and_redemption(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame
) -> None:
    coupons = result.tables["coupons"]
    validity = (coupons["expires_on"] - coupons["issued_on"]).dt.days
    assert validity.between(30, 90).all()
    assert coupons["face_value"].between(50, 500).all()
    assert {"spring_check", "summer_ac", "winter_check", "winback", "first_maintenance"} <= set(
        coupons["campaign"]
    )
    redeemed = coupons[coupons["redeemed_work_order_id"].notna()]
    assert 0.30 <= len(redeemed) / len(coupons) <= 0.45
    assert redeemed["redeemed_work_order_id"].is_unique
    merged = redeemed.merge(
        closed, left_on="redeemed_work_order_id", right_on="work_order_id", suffixes=("", "_order")
    )
    assert (merged["customer_id"] == merged["customer_id_order"]).all()
    assert (merged["store_id"] == merged["store_id_order"]).all()
    assert (merged["arrived_at"] >= merged["issued_on"]).all()
    assert (merged["arrived_at"] < merged["expires_on"] + pd.Timedelta(days=1)).all()


# --------------------------------------------------------------------------------------------
# Complaints and reviews
# --------------------------------------------------------------------------------------------


def test_complaints_rate_causes_and_handling(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame, world: StubWorld
) -> None:
    complaints = result.tables["complaints"]
    healthy_entries = closed["episode"].isna().sum()
    healthy_complaints = _healthy(world, complaints, "opened_at").sum()
    assert 1.0 <= 100 * healthy_complaints / healthy_entries <= 3.0
    assert 0.85 <= complaints["work_order_id"].notna().mean() <= 0.97
    linked = complaints.merge(closed, on="work_order_id", suffixes=("", "_order"))
    assert (linked["opened_at"] > linked["delivered_at"]).all()
    assert (linked["customer_id"] == linked["customer_id_order"]).all()
    comeback = linked["_is_data_comeback"] | linked["_has_comeback"]
    assert (linked.loc[comeback, "category"] == "quality").mean() > 0.5
    assert (linked.loc[~comeback, "category"] == "quality").mean() < 0.2
    complained = closed["work_order_id"].isin(complaints["work_order_id"])
    assert closed.loc[complained, "_experience"].mean() < closed["_experience"].mean() - 1.0
    response = (complaints["first_response_at"] - complaints["opened_at"]).dt.total_seconds()
    assert 0.82 <= (response <= 3600).mean() <= 0.96
    resolution = (complaints["resolved_at"] - complaints["opened_at"]).dt.total_seconds()
    assert 0.65 <= (resolution <= 24 * 3600).mean() <= 0.9
    assert complaints["resolved_at"].isna().any() and (resolution > 48 * 3600).any()


def test_online_reviews_follow_store_month_experience(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame, world: StubWorld
) -> None:
    reviews = result.tables["online_reviews"].assign(
        period_month=lambda f: _store_month_of(f, "posted_at")
    )
    reviews = reviews.merge(world.store_months[["store_id", "period_month", "episode"]], how="left")
    per_month = reviews.groupby(["store_id", "period_month"]).size()
    assert per_month.between(12, 70).all() and per_month.median() >= 20
    positive = reviews["rating"] >= 4
    healthy = reviews["episode"].isna()
    assert 0.88 <= positive[healthy].mean() <= 0.95
    poor = reviews["episode"] == "poor_experience"
    assert positive[poor].mean() < positive[healthy].mean() - 0.08
    responded = reviews["responded_at"].notna()
    assert 0.80 <= responded.mean() <= 0.95
    negative = reviews[(reviews["rating"] <= 2) & responded]
    assert (
        (negative["responded_at"] - negative["posted_at"]).dt.total_seconds() <= 12 * 3600
    ).mean() > 0.75
    opened = world.tables["stores"].set_index("store_id")["opened_on"]
    assert (reviews["posted_at"] >= reviews["store_id"].map(opened)).all()


# --------------------------------------------------------------------------------------------
# Ledger
# --------------------------------------------------------------------------------------------


def _dms_revenue(world: StubWorld, closed: pd.DataFrame) -> pd.DataFrame:
    lines = world.tables["work_order_lines"].merge(
        closed[["work_order_id", "store_id", "period_month"]], on="work_order_id"
    )
    lines["cents"] = np.rint(lines["net_amount"] * 100).astype(np.int64)
    return lines.pivot_table(
        index=["store_id", "period_month"],
        columns="revenue_category",
        values="cents",
        aggfunc="sum",
        fill_value=0,
    )


def _ledger_wide(result: crm_erp.CrmErpResult) -> pd.DataFrame:
    return result.tables["finance_ledger"].pivot_table(
        index=["store_id", "period_month"], columns="account", values="amount"
    )


def test_ledger_has_every_account_for_active_store_months_only(
    result: crm_erp.CrmErpResult, closed: pd.DataFrame
) -> None:
    ledger = result.tables["finance_ledger"]
    wide = _ledger_wide(result)
    assert list(wide.columns.sort_values()) == sorted(
        ACCEPTED_VALUES[("finance_ledger", "account")]
    )
    assert wide.notna().all().all()
    active = closed.groupby(["store_id", "period_month"]).size()
    assert set(wide.index) == set(active.index)
    assert (ledger["amount"] >= 0).all()
    assert (ledger["period_month"].dt.day == 1).all()


def test_ledger_revenue_reconciles_except_planted_gaps(
    result: crm_erp.CrmErpResult, world: StubWorld, closed: pd.DataFrame
) -> None:
    dms = _dms_revenue(world, closed)
    wide = _ledger_wide(result)
    ledger = np.rint(wide[[f"revenue_{c}" for c in dms.columns]].to_numpy() * 100).astype(np.int64)
    total_gap = ledger.sum(axis=1) / dms.loc[wide.index].to_numpy().sum(axis=1) - 1
    differs = (ledger != dms.loc[wide.index].to_numpy()).any(axis=1)
    gaps = result.manifest["ledger_gaps"]
    assert 2 <= len(gaps) <= 3
    planted = {(g["store_id"], pd.Timestamp(g["period_month"])) for g in gaps}
    assert {key for key, flag in zip(wide.index, differs, strict=True) if flag} == planted
    outside = {key for key, gap in zip(wide.index, total_gap, strict=True) if abs(gap) > 0.01}
    assert outside == planted
    for gap in gaps:
        row = wide.index.get_loc((gap["store_id"], pd.Timestamp(gap["period_month"])))
        assert 2.0 <= abs(gap["gap_pct"]) <= 5.0
        assert abs(total_gap[row] * 100 - gap["gap_pct"]) < 0.01


def _margins(result: crm_erp.CrmErpResult, world: StubWorld, closed: pd.DataFrame) -> pd.DataFrame:
    wide = _ledger_wide(result)
    dms = _dms_revenue(world, closed).sum(axis=1) / 100
    revenue = wide[[c for c in wide if c.startswith("revenue_")]].sum(axis=1)
    direct = wide[["cogs_parts", "cogs_labor", "cogs_accessory"]].sum(axis=1)
    variable = wide[["opex_commission", "opex_rework", "opex_consumables"]].sum(axis=1)
    fixed = wide[["opex_rent", "opex_salaries", "opex_depreciation", "opex_other_fixed"]].sum(
        axis=1
    )
    frame = pd.DataFrame(
        {
            "gross": (revenue - direct) / revenue,
            "net": (revenue - direct - variable - fixed) / revenue,
            "commission": wide["opex_commission"] / revenue,
            "consumables": wide["opex_consumables"] / revenue,
            "marketing": wide["marketing_spend"] / revenue,
            "marketing_spend": wide["marketing_spend"],
            "revenue": revenue,
            "dms_revenue": dms.loc[wide.index],
        }
    )
    plan = world.store_months.set_index(["store_id", "period_month"])
    frame["episode"] = plan.loc[frame.index, "episode"].to_numpy()
    frame["phase"] = plan.loc[frame.index, "episode_phase"].to_numpy()
    opened = world.tables["stores"].set_index("store_id")["opened_on"]
    months_open = (
        frame.index.get_level_values(1) - frame.index.get_level_values(0).map(opened)
    ).days / 30.4
    frame["settled"] = months_open >= 6
    gap_keys = {
        (g["store_id"], pd.Timestamp(g["period_month"])) for g in result.manifest["ledger_gaps"]
    }
    frame["gap"] = frame.index.isin(list(gap_keys))
    return frame


def test_ledger_margins_healthy_and_episodes(
    result: crm_erp.CrmErpResult, world: StubWorld, closed: pd.DataFrame
) -> None:
    margins = _margins(result, world, closed)
    healthy = margins[margins["episode"].isna() & margins["settled"] & ~margins["gap"]]
    assert healthy["net"].between(0.08, 0.12).mean() >= 0.9, healthy["net"].describe()
    settled = margins["episode"].isna() & ~margins["gap"] & margins["settled"]
    assert margins.loc[settled, "net"].min() >= 0.059
    assert 0.085 <= healthy["net"].median() <= 0.115
    assert healthy["gross"].min() > 0.35
    assert (
        healthy["commission"].between(0.028, 0.052).all()
        and healthy["consumables"].between(0.018, 0.032).all()
    )
    assert healthy["marketing"].between(0.008, 0.025).all()
    core = margins["phase"] == "core"
    cost = margins[core & (margins["episode"] == "cost_out_of_control")]
    assert len(cost) == 3 and (cost["gross"] > 0.35).all() and (cost["net"] < 0.05).all()
    blind = margins[core & (margins["episode"] == "blind_scale")]
    assert len(blind) == 3 and (blind["gross"] < 0.32).all() and (blind["net"] < 0.05).all()
    usual = healthy["marketing_spend"].groupby(level=0).median()
    blind_store = blind.index.get_level_values(0)
    assert (blind["marketing_spend"].to_numpy() > 1.6 * usual.loc[blind_store].to_numpy()).all()


def test_ledger_rework_and_inventory(
    result: crm_erp.CrmErpResult, world: StubWorld, closed: pd.DataFrame
) -> None:
    wide = _ledger_wide(result)
    rework_orders = closed[(closed["payer"] == "internal") & closed["_is_data_comeback"]]
    lines = world.tables["work_order_lines"].merge(
        rework_orders[["work_order_id", "store_id", "period_month"]], on="work_order_id"
    )
    rework = (
        lines.groupby(["store_id", "period_month"])["cost_amount"]
        .sum()
        .reindex(wide.index, fill_value=0.0)
    )
    assert np.allclose(wide["opex_rework"], rework.round(2), atol=0.005)
    all_lines = world.tables["work_order_lines"].merge(
        closed[["work_order_id", "store_id", "period_month"]], on="work_order_id"
    )
    parts = (
        all_lines[all_lines["line_type"] == "part"]
        .groupby(["store_id", "period_month"])["cost_amount"]
        .sum()
    )
    non_rework = parts.reindex(wide.index, fill_value=0.0) - lines[
        lines["line_type"] == "part"
    ].groupby(["store_id", "period_month"])["cost_amount"].sum().reindex(wide.index, fill_value=0.0)
    assert np.allclose(wide["cogs_parts"], non_rework, atol=0.01)
    per_store = wide.groupby(level=0).agg(
        parts=("cogs_parts", "mean"), inventory=("inventory_parts_value", "mean")
    )
    turns = 12 * per_store["parts"] / per_store["inventory"]
    assert turns.between(6.0, 8.0).all(), turns


def test_healthy_months_defer_overheads_above_the_floor() -> None:
    """A healthy month below 6 % net margin defers overheads; episode months are left alone."""
    from datagen.crm_common import StoreMonths
    from datagen.ledger import ACCOUNTS, _defer_overheads

    revenue = np.array([[100.0, 100.0, 100.0]])
    amounts = {a: np.zeros((1, 3)) for a in ACCOUNTS}
    amounts["cogs_parts"][:] = 50.0
    amounts["opex_salaries"][:] = [[30.0, 30.0, 45.0]]
    amounts["opex_other_fixed"][:] = 10.0
    episode = np.array([[None, "cost_out_of_control", None]], dtype=object)
    grid = np.ones((1, 3))
    store_months = StoreMonths(
        store_ids=np.array(["S001"], dtype=object),
        is_open=grid.astype(bool),
        bay_utilization=grid,
        variable_cost_factor=grid,
        fixed_cost_factor=grid,
        marketing_factor=grid,
        episode=episode,
        phase=np.full((1, 3), None, dtype=object),
        opened_on=np.zeros(1, dtype=np.int64),
    )
    moved = _defer_overheads(amounts, store_months, revenue)
    net = 1 - sum(amounts[a] for a in ACCOUNTS if a.startswith(("cogs_", "opex_"))) / revenue
    assert moved == 1
    assert net[0, 0] == pytest.approx(0.10)
    assert net[0, 1] == pytest.approx(0.10)
    assert net[0, 2] == pytest.approx(0.06)


def test_weak_episode_factors_are_topped_up(world: StubWorld) -> None:
    """With neutral cost factors the ledger itself must still land the finance episodes."""
    neutral = world.store_months.assign(variable_cost_factor=1.0, fixed_cost_factor=1.0)
    weak = StubWorld(tables=world.tables, store_months=neutral)
    result = crm_erp.simulate_crm_erp(CONFIG, weak, np.random.default_rng(5))
    orders = world.tables["work_orders"]
    closed = orders[orders["status"] == "closed"].assign(
        period_month=lambda f: (
            f["delivered_at"].dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")
        )
    )
    margins = _margins(result, weak, closed)
    cost = margins[margins["episode"] == "cost_out_of_control"]
    core = cost["phase"] == "core"
    assert (cost.loc[core, "net"] < 0.05).all() and (cost.loc[core, "net"] > 0.0).all()
    assert (cost.loc[~core, "net"] > 0.05).all()
    top_ups = result.manifest["crm_erp"]["episode_cost_top_ups"]
    assert {t["episode"] for t in top_ups} == {"cost_out_of_control"}
    assert len(top_ups) == 3
    assert not crm_erp.simulate_crm_erp(CONFIG, world, np.random.default_rng(5)).manifest[
        "crm_erp"
    ]["episode_cost_top_ups"]


# --------------------------------------------------------------------------------------------
# Determinism and the real DMS
# --------------------------------------------------------------------------------------------


def test_deterministic_for_a_given_rng(result: crm_erp.CrmErpResult, world: StubWorld) -> None:
    again = crm_erp.simulate_crm_erp(CONFIG, world, np.random.default_rng(CONFIG.seed))
    for name in CRM_TABLES:
        pd.testing.assert_frame_equal(result.tables[name], again.tables[name])
    assert again.manifest == result.manifest
    other = crm_erp.simulate_crm_erp(CONFIG, world, np.random.default_rng(CONFIG.seed + 1))
    assert not other.tables["surveys"].equals(result.tables["surveys"])


def test_manifest_is_json_serialisable(result: crm_erp.CrmErpResult) -> None:
    text = json.dumps(result.manifest)
    assert "staff_filled_surveys" in text and "ledger_gaps" in text


@pytest.mark.skipif(
    importlib.util.find_spec("datagen.dms") is None, reason="dms.py not written yet"
)
def test_against_the_real_dms() -> None:
    """The real DMS world: contract, keys, reconciliation, margins and the finance episodes."""
    from datagen import dms

    if not hasattr(dms, "simulate_dms"):
        pytest.skip("dms.simulate_dms not available yet")
    config = replace(CONFIG, stores=6, months=24, seed=42)
    world = dms.simulate_dms(config, np.random.default_rng(config.seed))
    result = crm_erp.simulate_crm_erp(config, world, np.random.default_rng(config.seed))
    for name, references in FOREIGN_KEYS.items():
        frame = result.tables[name]
        assert list(frame.columns) == TABLES_BY_NAME[name].column_names
        assert not frame.duplicated(list(TABLES_BY_NAME[name].key)).any(), name
        for column, (parent, parent_key) in references.items():
            values = frame[column].dropna()
            assert values.isin(world.tables[parent][parent_key]).all(), (name, column)
    orders = world.tables["work_orders"]
    closed = orders[orders["status"] == "closed"].assign(
        period_month=lambda f: (
            f["delivered_at"].dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")
        )
    )
    dms_revenue = _dms_revenue(world, closed).sum(axis=1)
    wide = _ledger_wide(result)
    ledger = np.rint(wide[[c for c in wide if c.startswith("revenue_")]].sum(axis=1) * 100)
    gap = ledger / dms_revenue.reindex(wide.index) - 1
    planted = {
        (g["store_id"], pd.Timestamp(g["period_month"])) for g in result.manifest["ledger_gaps"]
    }
    assert {key for key, value in gap.items() if abs(value) > 0.01} == planted
    surveys = result.tables["surveys"]
    genuine = surveys["store_id"] != result.manifest["planted"]["staff_filled_surveys"]["store_id"]
    assert 0.35 <= surveys.loc[genuine, "responded_at"].notna().mean() <= 0.5
    margins = _margins(result, world, closed)
    outside = margins["episode"].isna() & ~margins["gap"]
    assert margins.loc[outside, "net"].min() >= 0.059
    assert margins.loc[outside & margins["settled"], "net"].between(0.08, 0.12).mean() >= 0.85
    core = margins["phase"] == "core"
    cost = margins[core & (margins["episode"] == "cost_out_of_control")]
    blind = margins[core & (margins["episode"] == "blind_scale")]
    assert len(cost) and (cost["gross"] > 0.35).all() and (cost["net"] < 0.05).all()
    assert len(blind) and (blind["gross"] < 0.32).all() and (blind["net"] < 0.05).all()
