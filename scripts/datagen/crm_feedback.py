"""Unsolicited feedback: complaints about visits and public online reviews of stores.

Complaints come mostly from bad visits (low latent experience, comebacks, long waits, big bills)
and their category names that cause, so the complaint mix points back at the quality or
efficiency problem. Online reviews follow each store-month's experience level: when the store's
NPS drops, so does its positive-review rate. Both are handled worse in stressed store-months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .crm_common import (
    DAY,
    HOUR,
    MINUTE,
    NAT,
    ClosedOrders,
    StoreMonths,
    Window,
    contract_frame,
    make_ids,
    pick,
    take_ids,
    uniform_seconds,
)

CATEGORIES: tuple[str, ...] = ("quality", "price", "waiting", "attitude", "other")
PLATFORMS: tuple[str, ...] = ("dianping", "autohome", "douyin", "xiaohongshu")
PLATFORM_MIX: tuple[float, ...] = (0.35, 0.25, 0.25, 0.15)
#: Healthy visit experience (experience.py calibration) and the review positive rate it earns.
HEALTHY_EXPERIENCE = 8.7
HEALTHY_POSITIVE_RATE = 0.915


def simulate_complaints(
    orders: ClosedOrders,
    store_months: StoreMonths,
    window: Window,
    tables: dict[str, pd.DataFrame],
    rng: np.random.Generator,
) -> pd.DataFrame:
    """About 1-3 complaints per 100 entries in a healthy store, many more after bad visits."""
    position = _complaining_orders(orders, rng)
    category = _categories(orders, position, rng)
    opened = orders.delivered[position] + np.clip(
        np.exp(rng.normal(np.log(20 * HOUR), 1.0, size=len(position))), 30 * MINUTE, 20 * 24 * HOUR
    ).astype(np.int64)
    keep = opened < window.end
    position, category, opened = position[keep], category[keep], opened[keep]
    stress = store_months.stress[orders.store[position], window.month_index(opened)]
    first_response, resolved = _handling(
        opened, orders.store[position], stress, len(store_months.store_ids), rng
    )
    first_response = np.where(first_response >= window.end, NAT, first_response)
    resolved = np.where(resolved >= window.end, NAT, resolved)
    order = np.lexsort((position, opened))
    position = position[order]
    linked = np.where(rng.random(len(position)) < 0.92, position, -1)
    return contract_frame(
        "complaints",
        {
            "complaint_id": make_ids("CM", len(position)),
            "customer_id": tables["customers"]["customer_id"].to_numpy(dtype=object)[
                orders.customer[position]
            ],
            "store_id": tables["stores"]["store_id"].to_numpy(dtype=object)[orders.store[position]],
            "work_order_id": take_ids(orders.work_order_id, linked),
            "category": category[order],
            "opened_at": opened[order],
            "first_response_at": first_response[order],
            "resolved_at": resolved[order],
        },
    )


def _wait_hours(orders: ClosedOrders, position: np.ndarray) -> np.ndarray:
    started = orders.work_started[position]
    return np.where(started == NAT, 0.0, (started - orders.arrived[position]) / HOUR)


def _complaining_orders(orders: ClosedOrders, rng: np.random.Generator) -> np.ndarray:
    """Orders whose customer complains: rare after a good visit, common after a bad one.

    With the healthy experience distribution (8.7 ± 1.0) this gives ~1.2 per 100 entries; a
    store-month whose mean experience drops a point lands around 3-4.
    """
    shortfall = np.clip(8.0 - orders.experience, 0.0, None)
    probability = 0.007 + 0.045 * shortfall + 0.03 * orders.is_data_comeback
    return np.flatnonzero(rng.random(len(orders)) < np.clip(probability, 0.0, 0.6))


def _categories(orders: ClosedOrders, position: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The complaint's category, weighted towards the visit's visible problem."""
    quality = (
        orders.is_data_comeback[position]
        | orders.has_comeback[position]
        | orders.is_rework[position]
    )
    late = (orders.promised[position] != NAT) & (
        orders.delivered[position] > orders.promised[position]
    )
    slow = (_wait_hours(orders, position) > 2.0) | late
    typical = float(np.median(orders.net_total)) if len(orders) else 0.0
    expensive = (orders.payer[position] == "customer") & (
        orders.net_total[position] > 2.0 * typical
    )
    weights = np.column_stack(
        [
            0.12 + 3.0 * quality,
            0.15 + 0.8 * expensive,
            0.15 + 1.5 * slow,
            np.full(len(position), 0.22),
            np.full(len(position), 0.10),
        ]
    )
    cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    choice = (rng.random(len(position))[:, None] > cumulative).sum(axis=1)
    return np.asarray(CATEGORIES, dtype=object)[np.minimum(choice, len(CATEGORIES) - 1)]


def _handling(
    opened: np.ndarray,
    store: np.ndarray,
    stress: np.ndarray,
    n_stores: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """First response (≤ 1 h for ~85-95 %) and resolution (mostly ≤ 24 h, some > 48 h or open)."""
    n = len(opened)
    fast_rate = rng.uniform(0.87, 0.96, size=n_stores)[store] - 0.12 * stress
    fast = rng.random(n) < fast_rate
    response_delay = np.where(
        fast,
        uniform_seconds(rng, 2 * MINUTE, 59 * MINUTE, n),
        uniform_seconds(rng, 61 * MINUTE, 12 * HOUR, n),
    )
    first_response = opened + response_delay
    draw = rng.random(n)
    day_rate = 0.82 - 0.15 * stress
    within_day = draw < day_rate
    within_two = ~within_day & (draw < day_rate + 0.08 + 0.08 * stress)
    slow = ~within_day & ~within_two & (draw < 0.97)
    delay = np.select(
        [within_day, within_two, slow],
        [
            uniform_seconds(rng, 1 * HOUR, 23 * HOUR, n),
            uniform_seconds(rng, 25 * HOUR, 47 * HOUR, n),
            uniform_seconds(rng, 49 * HOUR, 10 * 24 * HOUR, n),
        ],
        default=0,
    )
    resolved = np.where(
        within_day | within_two | slow,
        np.maximum(opened + delay, first_response + 10 * MINUTE),
        NAT,
    )
    return first_response, resolved


def simulate_online_reviews(
    orders: ClosedOrders,
    store_months: StoreMonths,
    window: Window,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """About 20-60 reviews per open store-month, positive share following the month's experience."""
    n_stores, n_months = store_months.is_open.shape
    entries, mean_experience = _store_month_experience(orders, n_stores, n_months)
    typical = np.median(entries[entries > 0]) if np.any(entries > 0) else 1.0
    base = rng.uniform(25.0, 50.0, size=n_stores)[:, None]
    volume = np.where(
        entries > 0, np.clip(base * np.sqrt(entries / typical), 12.0, 70.0), 0.5 * base
    )
    opened_in_time = store_months.opened_on[:, None] < window.month_starts[None, 1:]
    counts = np.where(store_months.is_open & opened_in_time, rng.poisson(volume), 0)
    store, month = np.nonzero(counts)
    repeat = counts[store, month]
    store, month = np.repeat(store, repeat), np.repeat(month, repeat)
    posted = _posting_times(store, month, store_months, window, rng)
    offset = rng.normal(0.0, 0.012, size=n_stores)[store]
    positive_rate = np.clip(
        HEALTHY_POSITIVE_RATE
        + offset
        + 0.10 * (mean_experience[store, month] - HEALTHY_EXPERIENCE),
        0.3,
        0.985,
    )
    rating = _ratings(rng.random(len(store)) < positive_rate, rng)
    responded = _review_responses(
        rating, posted, store, store_months.stress[store, month], n_stores, rng
    )
    responded = np.where(responded >= window.end, NAT, responded)
    order = np.lexsort((store, posted))
    return contract_frame(
        "online_reviews",
        {
            "review_id": make_ids("RV", len(order)),
            "store_id": store_months.store_ids[store[order]],
            "platform": pick(rng, PLATFORMS, PLATFORM_MIX, len(order)),
            "posted_at": posted[order],
            "rating": rating[order],
            "responded_at": responded[order],
        },
    )


def _store_month_experience(
    orders: ClosedOrders, n_stores: int, n_months: int
) -> tuple[np.ndarray, np.ndarray]:
    """Closed entries and mean latent experience per store-month (healthy level where no orders)."""
    cell = orders.store * n_months + orders.month
    valid = (orders.store >= 0) & (orders.month >= 0)
    size = n_stores * n_months
    entries = np.bincount(cell[valid], minlength=size).astype(np.float64)
    total = np.bincount(cell[valid], weights=orders.experience[valid], minlength=size)
    mean = np.where(entries > 0, total / np.maximum(entries, 1.0), HEALTHY_EXPERIENCE)
    return entries.reshape(n_stores, n_months), mean.reshape(n_stores, n_months)


def _posting_times(
    store: np.ndarray,
    month: np.ndarray,
    store_months: StoreMonths,
    window: Window,
    rng: np.random.Generator,
) -> np.ndarray:
    """Uniform within the month, never before the store opened (reviewers are awake 8-23 h)."""
    start = np.maximum(window.month_starts[month], store_months.opened_on[store])
    start = start - start % DAY
    end = window.month_starts[month + 1]
    days = np.floor(rng.random(len(store)) * np.maximum((end - start) // DAY, 1)).astype(np.int64)
    return start + days * DAY + uniform_seconds(rng, 8 * HOUR, 23 * HOUR, len(store))


def _ratings(positive: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Stars: positive reviews 4-5 (mostly 5), the others 1-3 (unhappy reviewers go to 1)."""
    high = np.where(rng.random(len(positive)) < 0.72, 5, 4)
    low = rng.choice(np.array([3, 2, 1]), size=len(positive), p=[0.35, 0.25, 0.40])
    return np.where(positive, high, low).astype(np.int64)


def _review_responses(
    rating: np.ndarray,
    posted: np.ndarray,
    store: np.ndarray,
    stress: np.ndarray,
    n_stores: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Store replies to ~80-95 % of reviews; negative ones get priority (mostly within 12 h)."""
    n = len(rating)
    negative = rating <= 2
    rate = rng.uniform(0.82, 0.95, size=n_stores)[store] - 0.08 * stress
    responds = rng.random(n) < np.where(negative, np.minimum(rate + 0.04, 0.99), rate)
    quick = rng.random(n) < 0.85
    negative_delay = np.where(
        quick,
        uniform_seconds(rng, 20 * MINUTE, 12 * HOUR, n),
        uniform_seconds(rng, 12 * HOUR, 72 * HOUR, n),
    )
    other_delay = np.clip(
        np.exp(rng.normal(np.log(20 * HOUR), 0.8, size=n)), 30 * MINUTE, 10 * 24 * HOUR
    )
    delay = np.where(negative, negative_delay, other_delay.astype(np.int64))
    return np.where(responds, posted + delay, NAT)
