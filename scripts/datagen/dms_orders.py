"""Work-order timing: arrival, reception, bay, delivery, promise.

Times are integer seconds from midnight of day 0 (store-local, no zone). Bay occupancy is scaled
per store and month so that the METRICS.md bay utilisation (Σ bay hours by day of work start ÷
bays x open hours x calendar days) lands on the month's plan: the workshop spends longer on each
car when it is quiet and rushes when it is pushed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dms_demand import ACCESSORY, ACCIDENT, MAINTENANCE
from .dms_plan import StorePlan

MINUTE, HOUR, DAY = 60, 3600, 86400
BAY_SCALE_BOUNDS: tuple[float, float] = (0.45, 2.6)


@dataclass
class OrderTimes:
    arrived: np.ndarray
    reception_started: np.ndarray
    reception_ended: np.ndarray
    work_started: np.ndarray
    work_completed: np.ndarray
    promised: np.ndarray
    delivered: np.ndarray
    bay_scale: np.ndarray  # (stores, months) factor applied to natural bay hours
    achieved_util: np.ndarray  # (stores, months) utilisation after scaling


def natural_bay_hours(
    service_type: np.ndarray, sold_hours: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Bay time a job would take at a normal pace: flat-rate hours plus handling; body and
    paint work largely happen outside the service bays, so accidents are capped."""
    noise = rng.lognormal(0.0, 0.2, len(service_type))
    hours = (0.6 + 1.05 * sold_hours) * noise
    hours = np.where(
        service_type == ACCIDENT, np.minimum(1.0 + 0.55 * sold_hours * noise, 9.0), hours
    )
    hours = np.where(service_type == ACCESSORY, 0.4 + sold_hours * noise, hours)
    return np.maximum(hours, 0.3)


def bay_scale(
    plan: StorePlan, store: np.ndarray, month: np.ndarray, natural: np.ndarray, closed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per store-month factor making bay hours hit the planned utilisation (bounded: a store
    with too little work cannot fill its bays, a new store stays below plan)."""
    n_stores, months = len(plan.stores), plan.calendar.months
    hours = np.zeros((n_stores, months))
    keep = closed & (month >= 0) & (month < months)
    np.add.at(hours, (store[keep], month[keep]), natural[keep])
    days = plan.calendar.days_in_month(np.arange(months))
    capacity = (
        plan.stores["service_bays"].to_numpy()[:, None]
        * plan.stores["daily_open_hours"].to_numpy()[:, None]
        * days[None, :]
    )
    target = plan.util[:, plan.offset :] * capacity
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(hours > 0, target / hours, 1.0)
    scale = np.clip(scale, *BAY_SCALE_BOUNDS)
    return scale, hours * scale / capacity


def make_times(
    plan: StorePlan,
    day: np.ndarray,
    store: np.ndarray,
    service_type: np.ndarray,
    natural: np.ndarray,
    wait_minutes: np.ndarray,
    lag: np.ndarray,
    late: np.ndarray,
    cancelled: np.ndarray,
    long_reception: np.ndarray,
    rng: np.random.Generator,
) -> OrderTimes:
    """Strictly ordered timestamps of every order (cancelled orders stop after reception)."""
    n = len(day)
    month = plan.calendar.month_of_day(day)
    scale, achieved = bay_scale(plan, store, month, natural, ~cancelled)
    bay_hours = natural * scale[store, np.clip(month, 0, scale.shape[1] - 1)]
    morning = rng.normal(95, 50, n)
    afternoon = rng.normal(330, 60, n)
    anytime = rng.uniform(0, 540, n)
    u = rng.random(n)
    minute = np.where(u < 0.45, morning, np.where(u < 0.8, afternoon, anytime))
    long_job = (service_type == ACCIDENT) | (bay_hours > 5)
    minute = np.where(long_job, rng.uniform(20, 200, n), minute)
    minute = np.clip(minute, 15, 560)
    arrived = day * DAY + 8 * HOUR + np.round(minute * MINUTE).astype(np.int64)
    reception_started = arrived + np.round(wait_minutes * MINUTE).astype(np.int64)
    reception = np.clip(rng.lognormal(np.log(15.5), 0.28, n), 8, 35) + 7 * long_reception
    reception_ended = reception_started + np.round(reception * MINUTE).astype(np.int64)
    queue = 5 + rng.exponential(np.where(service_type == MAINTENANCE, 18, 30), n)
    work_started = reception_ended + np.round(queue * MINUTE).astype(np.int64)
    work_completed = work_started + np.maximum(np.round(bay_hours * HOUR), 600).astype(np.int64)
    same_day = work_completed + np.round(rng.uniform(10, 45, n) * MINUTE).astype(np.int64)
    later_day = (
        (day + lag) * DAY + 9 * HOUR + np.round(rng.uniform(0, 540, n) * MINUTE).astype(np.int64)
    )
    delivered = np.where(lag > 0, np.maximum(later_day, same_day), same_day)
    stamps = [arrived, reception_started, reception_ended, work_started, work_completed, delivered]
    _keep_inside_window(stamps, day, plan.calendar.end_day)
    promised = _promises(arrived, delivered, late, rng)
    return OrderTimes(
        arrived=arrived,
        reception_started=reception_started,
        reception_ended=reception_ended,
        work_started=work_started,
        work_completed=work_completed,
        promised=promised,
        delivered=delivered,
        bay_scale=scale,
        achieved_util=achieved,
    )


def _keep_inside_window(stamps: list[np.ndarray], day: np.ndarray, end_day: int) -> None:
    """Orders of the window's last evening are delivered before midnight: move the whole
    visit earlier (not before 07:00) and, if that is not enough, shorten the bay time."""
    arrived, _, _, work_started, work_completed, delivered = stamps
    limit = end_day * DAY - 5 * MINUTE
    over = np.flatnonzero(delivered > limit)
    if len(over) == 0:
        return
    excess = delivered[over] - limit
    shift = np.minimum(excess, np.maximum(arrived[over] - (day[over] * DAY + 7 * HOUR), 0))
    for stamp in stamps:
        stamp[over] -= shift
    remaining = excess - shift
    bay = work_completed[over] - work_started[over]
    cut = np.minimum(remaining, np.maximum(bay - 10 * MINUTE, 0))
    work_completed[over] -= cut
    delivered[over] = np.minimum(delivered[over] - cut, limit)
    work_completed[over] = np.minimum(work_completed[over], delivered[over])


def _promises(
    arrived: np.ndarray, delivered: np.ndarray, late: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Promised delivery: after the actual delivery when on time, before it when late
    (never before arrival)."""
    n = len(arrived)
    on_time = delivered + np.round(rng.uniform(1, 90, n) * MINUTE).astype(np.int64)
    early = delivered - np.round(rng.uniform(15, 150, n) * MINUTE).astype(np.int64)
    floor = arrived + 20 * MINUTE
    late_promise = np.where(early > floor, early, arrived + (delivered - arrived) // 2)
    return np.where(late, late_promise, on_time)
