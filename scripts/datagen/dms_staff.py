"""Service advisors and technicians: who is employed when, who is at work each day.

Advisors are planned from the store's size (3-6 desks, each desk a chain of holders as people
leave and are replaced the same day). Technicians are staffed from the work the store actually
has: per store, month and level the hours to clock are turned into a head count at ~86% labour
utilisation, people leave at the month's attrition rate (higher in stressed months) and the
shortfall is hired at the start of the next month. That keeps labour utilisation in its band
whatever the demand did, and makes attrition follow the episodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .dms_calendar import Calendar
from .dms_plan import StorePlan

#: Labour utilisation (clocked ÷ available) the head count is planned for.
TARGET_LABOR_UTILIZATION: float = 0.94
AVAILABLE_HOURS_MEAN: float = 8.0
WORK_DAYS_PER_WEEK: float = 5.5
ADVISOR_ATTRITION: float = 0.15


@dataclass
class Staff:
    """Employees (internal columns: _store, _slot, _hired_day, _left_day) and the time clock
    skeleton (who is present which day)."""

    employees: pd.DataFrame
    tech_days: pd.DataFrame  # _emp (row in employees), _store, day, level, available_hours


def _tenure_start(open_day: int, rng: np.random.Generator) -> int:
    """Hire day of someone already employed at the start of the window."""
    if open_day >= 0:
        return open_day - int(rng.integers(10, 40))
    return max(open_day - int(rng.integers(10, 40)), -int(rng.exponential(3.0) * 365) - 1)


def make_advisors(plan: StorePlan, rng: np.random.Generator) -> pd.DataFrame:
    """Advisor desks: each desk is held by one advisor at a time; a leaver is replaced at once.

    The hard-selling advisor holds desk 0 of the hard-seller store for the whole window."""
    end = plan.calendar.end_day
    rows = []
    for store, spec in plan.stores.iterrows():
        open_day = int(spec["_open_day"])
        for slot in range(int(spec["_n_advisors"])):
            hired = _tenure_start(open_day, rng)
            while hired < end:
                tenure = rng.exponential(365.25 / ADVISOR_ATTRITION)
                left = max(hired + 30, max(hired, 0) + int(tenure))
                if store == plan.hard_seller_store and slot == 0:
                    left = end + 1
                rows.append(
                    {
                        "_store": store,
                        "_slot": slot,
                        "_hired_day": hired,
                        "_left_day": left if left < end else -1,
                        "_level": -1,
                        "role": "service_advisor",
                    }
                )
                if left >= end:
                    break
                hired = left
    return pd.DataFrame(rows)


def technician_need(
    plan: StorePlan, month: np.ndarray, store: np.ndarray, level: np.ndarray, sold_hours: np.ndarray
) -> np.ndarray:
    """Technicians needed per (store, window month, level): clocked hours ÷ hours one
    technician clocks in a month at the target utilisation."""
    n_stores, months = len(plan.stores), plan.calendar.months
    eff = plan.eff[:, plan.offset :]
    keep = (month >= 0) & (month < months)
    hours = np.zeros((n_stores, months, 3))
    np.add.at(
        hours,
        (store[keep], month[keep], level[keep] - 1),
        sold_hours[keep] / eff[store[keep], month[keep]],
    )
    first = plan.calendar.month_start_day(np.arange(months))
    days = plan.calendar.days_in_month(np.arange(months)).astype(np.float64)
    open_day = plan.stores["_open_day"].to_numpy()[:, None]
    open_days = np.clip(
        first[None, :] + days[None, :] - np.maximum(first[None, :], open_day), 1.0, days[None, :]
    )
    # Spring Festival: most of the team is off for a week.
    festival = np.zeros(months)
    for day in plan.calendar.spring_festival_days():
        month = int(plan.calendar.month_of_day(np.array([day]))[0])
        if 0 <= month < months:
            festival[month] += 7 * 0.75
    work_days = np.maximum(
        open_days * WORK_DAYS_PER_WEEK / 7 * 0.97 - festival[None, :] * WORK_DAYS_PER_WEEK / 7, 1.0
    )
    per_tech = AVAILABLE_HOURS_MEAN * work_days * TARGET_LABOR_UTILIZATION
    return hours / per_tech[:, :, None]


def _new_technician(store: int, level: int, hired: int) -> dict:
    return {
        "_store": store,
        "_slot": -1,
        "_hired_day": hired,
        "_left_day": -1,
        "_level": level,
        "role": "technician",
    }


def make_technicians(plan: StorePlan, need: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Staff each store month by month: leavers at the month's attrition rate, hires at the
    start of the month when the team is short (of the level most missing); an overstaffed team
    shrinks only by not replacing leavers. A store opening in the window hires before it opens.
    Junior-heavy plans therefore replace seniors by juniors."""
    calendar = plan.calendar
    rows: list[dict] = []
    months = calendar.months
    month_first = calendar.month_start_day(np.arange(months + 1))
    attrition = plan.attrition_annual[:, plan.offset :]
    for store, spec in plan.stores.iterrows():
        open_day = int(spec["_open_day"])
        open_month = max(0, int(calendar.month_of_day(np.array([open_day]))[0]))
        if open_month >= months:
            continue
        by_level = need[store]  # [month, level]
        total = np.maximum(by_level.sum(axis=1), 3.0)
        active: list[dict] = []
        first = by_level[open_month] * total[open_month] / max(by_level[open_month].sum(), 1e-9)
        for level, count in zip((1, 2, 3), _round_levels(first), strict=True):
            for _ in range(count):
                person = _new_technician(store, level, _tenure_start(open_day, rng))
                rows.append(person)
                active.append(person)
        for month in range(open_month, months):
            lo, hi = int(month_first[month]), int(month_first[month + 1])
            monthly = min(attrition[store, month], 3.0) / 12 if month > open_month else 0.0
            quits = rng.random(len(active)) < monthly
            if monthly > 0.05:  # a stressed month: at least the expected number quits
                expected = round(monthly * len(active))
                stay = np.flatnonzero(~quits)
                extra = max(expected - int(quits.sum()), 0)
                quits[rng.permutation(stay)[:extra]] = True
            for person, leaves in zip(active, quits, strict=True):
                if leaves:
                    person["_left_day"] = int(rng.integers(lo, hi))
            active = [person for person, leaves in zip(active, quits, strict=True) if not leaves]
            gap = by_level[month] - np.bincount([p["_level"] for p in active], minlength=4)[1:]
            while len(active) < total[month] - 0.3:
                level = int(np.argmax(gap)) + 1
                person = _new_technician(store, level, lo - int(rng.integers(0, 6)))
                rows.append(person)
                active.append(person)
                gap[level - 1] -= 1
    return pd.DataFrame(rows)


def _round_levels(values: np.ndarray) -> list[int]:
    """Round a level split to integers that add up to the rounded total (at least 1 each)."""
    total = max(round(float(values.sum())), 3)
    counts = np.maximum(np.floor(values).astype(int), 1)
    while counts.sum() < total:
        counts[int(np.argmax(values - counts))] += 1
    return counts.tolist()


def make_tech_days(
    plan: StorePlan, technicians: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Days each technician is at work: one fixed weekday off, a second day off every other
    week (5.5 days a week), ~3% leave, and most of the team off over the Spring Festival."""
    calendar: Calendar = plan.calendar
    end = calendar.end_day
    open_day = plan.stores["_open_day"].to_numpy()
    store = technicians["_store"].to_numpy()
    start = np.maximum.reduce(
        [technicians["_hired_day"].to_numpy(), np.zeros(len(store), int), open_day[store]]
    )
    left = technicians["_left_day"].to_numpy()
    stop = np.where(left >= 0, np.minimum(left, end), end)
    length = np.maximum(stop - start, 0)
    emp = np.repeat(np.arange(len(store)), length)
    offsets = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    day = np.repeat(start, length) + offsets
    weekday = calendar.weekday(day)
    off1 = rng.integers(1, 4, len(store))[emp]  # Tue..Thu
    off2 = rng.choice([0, 4], len(store))[emp]  # Mon or Fri, every other week
    parity = rng.integers(0, 2, len(store))[emp]
    works = (weekday != off1) & ~((weekday == off2) & ((day // 7) % 2 == parity))
    works &= rng.random(len(day)) > 0.03
    for festival in calendar.spring_festival_days():
        closed = (day >= festival - 1) & (day <= festival + 5)
        works &= ~(closed & (rng.random(len(day)) < 0.75))
    emp, day = emp[works], day[works]
    return pd.DataFrame(
        {
            "_emp": emp,
            "_store": store[emp],
            "day": day,
            "level": technicians["_level"].to_numpy()[emp],
            "available_hours": np.round(
                np.clip(rng.normal(AVAILABLE_HOURS_MEAN, 0.28, len(emp)), 7.5, 8.5) * 4
            )
            / 4,
        }
    )


def assign_technicians(
    tech_days: pd.DataFrame,
    store: np.ndarray,
    day: np.ndarray,
    level: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Row of tech_days (the technician present) leading each order: a technician of the asked
    level at work that day in that store, else anyone at work there, else -1."""
    n_days = int(max(day.max(), tech_days["day"].max()) + 2) if len(day) else 1
    base = int(min(day.min(), tech_days["day"].min())) if len(day) else 0
    td_store = tech_days["_store"].to_numpy()
    td_day = tech_days["day"].to_numpy() - base
    td_level = tech_days["level"].to_numpy()
    result = np.full(len(store), -1, dtype=np.int64)
    for with_level in (True, False):
        key_td = (td_store * n_days + td_day) * (4 if with_level else 1) + (
            td_level if with_level else 0
        )
        order = np.argsort(key_td, kind="stable")
        sorted_keys = key_td[order]
        pending = np.flatnonzero(result < 0)
        key = (store[pending] * n_days + (day[pending] - base)) * (4 if with_level else 1) + (
            level[pending] if with_level else 0
        )
        lo = np.searchsorted(sorted_keys, key, side="left")
        hi = np.searchsorted(sorted_keys, key, side="right")
        found = hi > lo
        pick = lo + np.floor(rng.random(len(pending)) * (hi - lo)).astype(np.int64)
        result[pending[found]] = order[pick[found]]
    return result
