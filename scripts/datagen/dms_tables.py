"""Reference and customer tables: stores, employees, customers, vehicles.

Identifiers, names, phones and VINs are made here, vectorised, from the simulation's integer
state. Dates are ``datetime64[s]`` at midnight; the writer formats them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .dms_calendar import Calendar
from .dms_demand import Vehicles
from .dms_plan import StorePlan

SURNAMES = np.array(
    list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"), dtype=object
)
GIVEN = np.array(
    list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国志红宇浩然博文"),
    dtype=object,
)
MODELS: dict[str, tuple[str, ...]] = {
    "Aurora": ("Aurora A3 Sedan", "Aurora A5 SUV", "Aurora A7 EV", "Aurora A9 MPV"),
    "Meridian": ("Meridian M1 Hatch", "Meridian M6 SUV", "Meridian M8 EV"),
}
VIN_ALPHABET = np.array(list("0123456789ABCDEFGHJKLMNPRSTUVWXYZ"))  # no I, O, Q


def ids(prefix: str, count: int, width: int) -> np.ndarray:
    """'<prefix><zero-padded number>' for 1..count (built from digit bytes, no Python loop)."""
    width = max(width, len(str(count)))
    numbers = np.arange(1, count + 1, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = ((numbers[:, None] // powers[None, :]) % 10 + ord("0")).astype(np.uint8)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    raw = np.concatenate([np.broadcast_to(head, (count, len(head))), digits], axis=1)
    text = np.ascontiguousarray(raw).view(f"S{len(head) + width}").ravel()
    return text.astype(f"U{len(head) + width}").astype(object)


def stores_table(plan: StorePlan) -> pd.DataFrame:
    stores = plan.stores
    return pd.DataFrame(
        {
            "store_id": stores["store_id"].astype(object),
            "store_name": stores["store_name"].astype(object),
            "region": stores["region"].astype(object),
            "city": stores["city"].astype(object),
            "brand": stores["brand"].astype(object),
            "opened_on": stores["opened_on"].astype("datetime64[s]"),
            "service_bays": pd.array(stores["service_bays"], dtype="Int64"),
            "floor_area_sqm": stores["floor_area_sqm"].round(2).astype(float),
            "daily_open_hours": stores["daily_open_hours"].round(2).astype(float),
        }
    )


def employees_table(employees: pd.DataFrame, plan: StorePlan) -> pd.DataFrame:
    """Employees sorted by store, role and hire date; internal columns keep the simulation's
    store index and days."""
    cal = plan.calendar
    level = employees["_level"].to_numpy()
    left = employees["_left_day"].to_numpy()
    frame = pd.DataFrame(
        {
            "employee_id": ids("E", len(employees), 4),
            "store_id": plan.stores["store_id"].to_numpy()[employees["_store"].to_numpy()],
            "role": employees["role"].to_numpy(dtype=object),
            "technician_level": pd.array(np.where(level > 0, level, 0), dtype="Int64"),
            "hired_on": cal.to_datetime64(employees["_hired_day"].to_numpy()),
            "left_on": cal.to_datetime64(np.where(left >= 0, left, 0)),
        }
    )
    frame.loc[level <= 0, "technician_level"] = pd.NA
    frame.loc[left < 0, "left_on"] = pd.NaT
    frame["_store"] = employees["_store"].to_numpy()
    frame["_slot"] = employees["_slot"].to_numpy()
    frame["_hired_day"] = employees["_hired_day"].to_numpy()
    frame["_left_day"] = left
    return frame


def make_vins(count: int, rng: np.random.Generator) -> np.ndarray:
    """17-character VINs 'LSV' + 14 characters; the last six encode the index (unique)."""
    random_part = VIN_ALPHABET[rng.integers(0, len(VIN_ALPHABET), (count, 8))]
    index = np.arange(count)
    digits = np.empty((count, 6), dtype=VIN_ALPHABET.dtype)
    for position in range(5, -1, -1):
        digits[:, position] = VIN_ALPHABET[index % len(VIN_ALPHABET)]
        index = index // len(VIN_ALPHABET)
    chars = np.ascontiguousarray(np.concatenate([random_part, digits], axis=1))
    tail = chars.view(f"<U{14}").ravel()
    return np.char.add("LSV", tail).astype(object)


def person_names(count: int, rng: np.random.Generator) -> np.ndarray:
    surname = SURNAMES[rng.integers(0, len(SURNAMES), count)]
    first = GIVEN[rng.integers(0, len(GIVEN), count)]
    second = np.where(rng.random(count) < 0.6, GIVEN[rng.integers(0, len(GIVEN), count)], "")
    return (surname + first + second).astype(object)


def phones(count: int, rng: np.random.Generator) -> np.ndarray:
    prefix = np.array(
        ["138", "139", "150", "151", "158", "186", "187", "188", "136", "137"], dtype=object
    )[rng.integers(0, 10, count)]
    number = (
        pd.Series(rng.integers(0, 10**8, count)).astype(str).str.zfill(8).to_numpy(dtype=object)
    )
    return (prefix + number).astype(object)


def customers_and_vehicles(
    plan: StorePlan, vehicles: Vehicles, keep: np.ndarray, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Customers and vehicles tables for the kept vehicles, and each kept vehicle's customer
    position. A few buyers own a second car; channels depend on how the car came to the store;
    referrals point to a customer known earlier."""
    cal: Calendar = plan.calendar
    kept = np.flatnonzero(keep)
    n = len(kept)
    conquest = vehicles.conquest[kept]
    first_contact = vehicles.first_contact[kept]
    # Customer of each kept vehicle: own customer, or (7% of new-car buyers) an earlier buyer.
    owner = np.arange(n)
    second = (~conquest) & (rng.random(n) < 0.07) & (np.arange(n) > 0)
    owner[second] = np.floor(rng.random(second.sum()) * np.flatnonzero(second)).astype(np.int64)
    owner = _resolve_owner_chain(owner)
    is_customer = owner == np.arange(n)
    customer_pos = np.cumsum(is_customer) - 1
    vehicle_customer = customer_pos[owner]
    heads = np.flatnonzero(is_customer)
    n_customers = len(heads)
    channel_new = np.array(["new_car_sale", "referral", "online", "oem_lead"], dtype=object)
    channel_won = np.array(["walk_in", "online", "oem_lead", "referral"], dtype=object)
    channel = np.where(
        conquest[heads],
        channel_won[rng.choice(4, n_customers, p=[0.45, 0.30, 0.15, 0.10])],
        channel_new[rng.choice(4, n_customers, p=[0.80, 0.12, 0.05, 0.03])],
    )
    lead_days = np.where(
        conquest[heads],
        np.where(channel == "walk_in", 0, rng.integers(0, 20, n_customers)),
        rng.integers(0, 60, n_customers),
    )
    created = first_contact[heads] - lead_days
    customer_ids = ids("C", n_customers, 7)
    referred = _referrers(created, channel == "referral", rng)
    channel = np.where((channel == "referral") & (referred < 0), "walk_in", channel)
    customers = pd.DataFrame(
        {
            "customer_id": customer_ids,
            "full_name": person_names(n_customers, rng),
            "phone": phones(n_customers, rng),
            "created_on": cal.to_datetime64(created),
            "acquisition_channel": channel.astype(object),
            "referred_by_customer_id": np.where(
                referred >= 0, customer_ids[np.maximum(referred, 0)], None
            ),
        }
    )
    brand = plan.stores["brand"].to_numpy()[vehicles.home[kept]]
    model = np.empty(n, dtype=object)
    for name, models in MODELS.items():
        mask = brand == name
        model[mask] = np.array(models, dtype=object)[rng.integers(0, len(models), mask.sum())]
    selling = vehicles.selling_store[kept]
    store_ids = plan.stores["store_id"].to_numpy(dtype=object)
    intro = np.where(selling >= 0, vehicles.intro_done[kept], rng.random(n) < 0.7)
    vehicle_table = pd.DataFrame(
        {
            "vin": make_vins(n, rng),
            "customer_id": customer_ids[vehicle_customer],
            "model": model,
            "selling_store_id": np.where(selling >= 0, store_ids[np.maximum(selling, 0)], None),
            "delivered_on": cal.to_datetime64(vehicles.delivered[kept]),
            "warranty_end_on": cal.to_datetime64(vehicles.warranty_end[kept]),
            "aftersales_intro_done": intro.astype(bool),
        }
    )
    return customers, vehicle_table, vehicle_customer


def _resolve_owner_chain(owner: np.ndarray) -> np.ndarray:
    """Point every vehicle at the first vehicle of its owner (second cars of second cars)."""
    for _ in range(64):
        parent = owner[owner]
        if np.array_equal(parent, owner):
            break
        owner = parent
    return owner


def _referrers(
    created: np.ndarray, is_referral: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Position of an earlier-created customer for each referral (-1 when there is none)."""
    order = np.argsort(created, kind="stable")
    # Number of customers created strictly earlier (sorted position of the first same date).
    earlier = np.searchsorted(created[order], created, side="left")
    pick = np.floor(rng.random(len(created)) * earlier).astype(np.int64)
    return np.where(is_referral & (earlier > 0), order[np.minimum(pick, len(order) - 1)], -1)
