"""Stores and their monthly operating plan: the knobs the rest of the DMS simulation reads.

A store-month plan says how hard the workshop is pushed (bay utilisation, technician efficiency),
how well it treats customers (reception waits, late deliveries, advisor manner), what it charges
(extra discount, low-margin packages), who works there (junior share, a bad parts supplier) and what
the ledger should add (cost factors). Healthy months sit in the middle of the METRICS.md bands;
the planted episodes move a few knobs far enough that their diagnosis pattern fires with a margin
noise cannot erase, and nothing else does.

Plan arrays have shape (stores, history_months + months): column ``history_months + m`` is window
month m, so vehicle history before the window reads the same arrays (always healthy there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .dms_calendar import Calendar

REGIONS: dict[str, tuple[str, ...]] = {
    "East": ("Shanghai", "Hangzhou", "Suzhou"),
    "North": ("Beijing", "Tianjin"),
    "South": ("Guangzhou", "Shenzhen"),
    "West": ("Chengdu", "Chongqing"),
    "Central": ("Wuhan", "Changsha"),
}
BRANDS: tuple[str, ...] = ("Aurora", "Meridian")

#: Comeback probability of an original repair/accident order (documents' causal chain).
COMEBACK_BASE: float = 0.018
COMEBACK_PER_UTIL_ABOVE_75: float = 0.6
COMEBACK_PER_EFF_ABOVE_130: float = 0.5
COMEBACK_BY_LEVEL: dict[int, float] = {1: 0.015, 2: 0.0, 3: -0.01}
COMEBACK_BAD_SUPPLIER: float = 0.06
BAD_SUPPLIER_ID: str = "SUP07"

PATTERNS: tuple[str, ...] = (
    "over_efficiency",
    "blind_scale",
    "quality_out_of_control",
    "poor_experience",
    "cost_out_of_control",
)

# Phase lengths (ramp, core, recovery) of each episode, in months.
PHASES: dict[str, tuple[int, int, int]] = {
    "over_efficiency": (1, 2, 3),
    "quality_out_of_control": (1, 3, 2),
    "poor_experience": (1, 3, 1),
    "blind_scale": (1, 3, 1),
    "cost_out_of_control": (0, 3, 1),
}
# Which half of the window an episode goes to: blind scale needs a year of history before it.
HALF: dict[str, str] = {
    "over_efficiency": "early",
    "quality_out_of_control": "early",
    "blind_scale": "late",
    "poor_experience": "late",
    "cost_out_of_control": "late",
}
EXPECTED_PATTERNS: dict[str, list[str]] = {
    # Documents' month 3: FTFR 75%, comebacks 15%, NPS 28 < 30 also meets pattern 3's
    # thresholds; the root cause is over-efficiency (utilization and efficiency above their lines).
    "over_efficiency": ["over_efficiency", "quality_out_of_control"],
    "blind_scale": ["blind_scale"],
    "quality_out_of_control": ["quality_out_of_control"],
    "poor_experience": ["poor_experience"],
    "cost_out_of_control": ["cost_out_of_control"],
}
STORIES: dict[str, str] = {
    "over_efficiency": (
        "The manager raises the bay-utilization target from ~65% to ~85% and technician "
        "efficiency above 135%: revenue rises for a month, then FTFR collapses, comebacks pass "
        "10%, NPS falls, technicians quit and profit drops, until targets are cut back."
    ),
    "blind_scale": (
        "A year after a normal year the store buys volume with ~20% discounts and near-cost "
        "packages: revenue grows over 30% year on year while gross margin drops under 30% and the "
        "month loses money."
    ),
    "quality_out_of_control": (
        "Senior technicians leave and are replaced by juniors while most parts come from a bad "
        "supplier (SUP07): comebacks and NPS collapse although bays and technicians are not "
        "overloaded."
    ),
    "poor_experience": (
        "A new reception team keeps customers waiting half an hour, delivers late and is rude: "
        "repairs are still fixed first time but NPS falls below 35."
    ),
    "cost_out_of_control": (
        "A new rent contract, staff bloat and a generous commission scheme: the workshop earns its "
        "usual gross margin but fixed and variable expenses swallow the net margin."
    ),
}


@dataclass
class StorePlan:
    """Stores (public and internal columns) and their monthly plan arrays."""

    stores: pd.DataFrame
    calendar: Calendar
    util: np.ndarray
    eff: np.ndarray
    discount: np.ndarray
    variable_cost_factor: np.ndarray
    fixed_cost_factor: np.ndarray
    marketing_factor: np.ndarray
    experience_shift: np.ndarray
    wait_minutes: np.ndarray
    late_rate: np.ndarray
    comeback_extra: np.ndarray
    junior_share: np.ndarray
    bad_supplier_share: np.ndarray
    extra_volume: np.ndarray
    attrition_annual: np.ndarray
    package_rate: np.ndarray
    episode: np.ndarray  # object (stores, months): pattern or None
    phase: np.ndarray  # object (stores, months): 'ramp' | 'core' | 'recovery' | None
    episodes: list[dict] = field(default_factory=list)
    skipped_patterns: list[dict] = field(default_factory=list)
    hard_seller_store: int = 0
    gaming_store: int = 0

    @property
    def offset(self) -> int:
        """Column of window month 0 in the plan arrays."""
        return self.calendar.history_months


def _store_specs(n: int, calendar: Calendar, rng: np.random.Generator) -> pd.DataFrame:
    """Stores with their location, size and opening date.

    Tiers: one store in 50 (at least one) opens during the window, one in 25 (at least one)
    opened 9-14 months before it (growth tier at the start), the rest 4-12 years before.
    """
    n_new = max(1, round(0.02 * n)) if n >= 3 else 0
    n_growth = max(1, round(0.04 * n)) if n >= 2 else 0
    n_mature = n - n_new - n_growth
    kinds = ["mature"] * n_mature + ["growth"] * n_growth + ["new"] * n_new
    region_names = list(REGIONS)
    rows = []
    for index, kind in enumerate(kinds):
        region = region_names[index % len(region_names)]
        cities = REGIONS[region]
        city = cities[(index // len(region_names)) % len(cities)]
        brand = BRANDS[0] if rng.random() < 0.7 else BRANDS[1]
        bays = int(rng.integers(6, 15))
        if kind == "mature":
            open_day = -int(rng.integers(4 * 365, 12 * 365))
        elif kind == "growth":
            open_day = -int(rng.integers(9 * 30, 14 * 30))
        else:
            first = max(1, calendar.months // 4)
            last = max(first + 1, calendar.months // 2)
            open_month = int(rng.integers(first, last))
            open_day = int(calendar.month_start_day(open_month)) + int(rng.integers(0, 20))
        rows.append(
            {
                "store_id": f"S{index + 1:03d}",
                "store_name": f"{brand} {city} Service Center {index + 1}",
                "region": region,
                "city": city,
                "brand": brand,
                "_open_day": open_day,
                "service_bays": bays,
                "floor_area_sqm": round(float(bays * rng.uniform(95, 130)), 2),
                "daily_open_hours": float(rng.choice([9.0, 9.5, 10.0, 10.5, 11.0])),
                "_kind": kind,
                # Mature target volume: 15-25 closed orders a day, more with more bays.
                "_target_orders": 10.0 + 0.85 * bays + float(rng.normal(0, 0.6)),
                "_labor_rate": round(float(rng.uniform(350, 480)) / 5) * 5,
                "_base_util": float(rng.uniform(0.64, 0.685)),
                "_base_eff": float(rng.uniform(1.15, 1.20)),
                "_base_wait": float(rng.uniform(6.5, 9.0)),
                "_intro_rate": float(rng.uniform(0.86, 0.95)),
                "_n_advisors": int(np.clip(round((8.5 + bays) / 4.5), 3, 6)),
            }
        )
    stores = pd.DataFrame(rows)
    stores["opened_on"] = calendar.to_datetime64(stores["_open_day"].to_numpy())
    return stores


def _episode_hosts(stores: pd.DataFrame) -> list[tuple[int, str]]:
    """(store index, pattern) pairs: which mature stores host which episode.

    The first mature store stays healthy (the reference). With many stores each pattern gets
    about 3% of the stores, one episode per store; with few, two episodes share a store, one in
    each half of the window (over-efficiency with cost, quality with poor experience).
    """
    mature = [int(i) for i in np.flatnonzero(stores["_kind"].to_numpy() == "mature")]
    hosts = mature[1:]
    if not hosts:
        return []
    per_pattern = max(1, round(0.03 * len(stores)))
    if len(hosts) >= 5 * per_pattern:
        order = [
            "over_efficiency",
            "quality_out_of_control",
            "blind_scale",
            "poor_experience",
            "cost_out_of_control",
        ]
        return [
            (hosts[k * 5 + j], pattern)
            for k in range(per_pattern)
            for j, pattern in enumerate(order)
        ]
    pairs = [
        ("over_efficiency", "cost_out_of_control"),
        ("quality_out_of_control", "poor_experience"),
        ("blind_scale", None),
    ]
    result: list[tuple[int, str]] = []
    for position, (first, second) in enumerate(pairs):
        store = hosts[position % len(hosts)]
        result.append((store, first))
        if second is not None:
            result.append((store, second))
    return result


def _episode_start(
    pattern: str, calendar: Calendar, rng: np.random.Generator, busy: np.ndarray
) -> int | None:
    """First month (ramp, or core without ramp) of an episode, or None if it does not fit.

    Blind scale needs twelve months of history before its core months, and its core months
    avoid January-March: the Spring Festival moves between January and February, so those
    months' year-on-year growth swings by ±20% on its own."""
    ramp, core, recovery = PHASES[pattern]
    length = ramp + core + recovery
    months = calendar.months
    if HALF[pattern] == "early":
        lo, hi = 2, months // 2 - length
    else:
        lo, hi = months // 2, months - length
        if pattern == "blind_scale":
            lo = max(lo, 12 - ramp)
    starts = list(range(lo, hi + 1))
    if pattern == "blind_scale":
        starts = [
            start
            for start in starts
            if not np.isin(
                calendar.calendar_month(calendar.month_start_day(np.arange(core) + start + ramp)),
                (1, 2, 3),
            ).any()
        ]
    # Leave at least two healthy months between two episodes of the same store.
    starts = [start for start in starts if not busy[max(start - 2, 0) : start + length + 2].any()]
    if not starts:
        return None
    return int(starts[int(rng.integers(0, len(starts)))])


def _blank(shape: tuple[int, int], value: float) -> np.ndarray:
    return np.full(shape, value, dtype=np.float64)


def build_store_plan(n_stores: int, calendar: Calendar, rng: np.random.Generator) -> StorePlan:
    """Stores, healthy monthly plans with small seasonal wobble, then the planted episodes."""
    stores = _store_specs(n_stores, calendar, rng)
    n = len(stores)
    total = calendar.history_months + calendar.months
    shape = (n, total)
    cal_month = calendar.calendar_month(
        calendar.month_start_day(np.arange(-calendar.history_months, calendar.months))
    )
    season_util = np.select(
        [cal_month == 2, cal_month == 1, np.isin(cal_month, (7, 8))], [-0.015, -0.008, 0.012], 0.0
    )
    util = (
        stores["_base_util"].to_numpy()[:, None]
        + season_util[None, :]
        + rng.normal(0, 0.008, shape)
    )
    eff = stores["_base_eff"].to_numpy()[:, None] + rng.normal(0, 0.012, shape)
    plan = StorePlan(
        stores=stores,
        calendar=calendar,
        util=util,
        eff=eff,
        discount=_blank(shape, 0.0),
        variable_cost_factor=_blank(shape, 1.0),
        fixed_cost_factor=_blank(shape, 1.0),
        marketing_factor=_blank(shape, 1.0),
        experience_shift=_blank(shape, 0.0),
        wait_minutes=np.repeat(stores["_base_wait"].to_numpy()[:, None], total, axis=1),
        late_rate=_blank(shape, 0.045),
        comeback_extra=_blank(shape, 0.0),
        junior_share=_blank(shape, 0.4),
        bad_supplier_share=_blank(shape, 0.0),
        extra_volume=_blank(shape, 0.0),
        attrition_annual=_blank(shape, 0.12),
        package_rate=_blank(shape, 0.0),
        episode=np.full((n, calendar.months), None, dtype=object),
        phase=np.full((n, calendar.months), None, dtype=object),
    )
    _plan_new_stores(plan)
    for store, pattern in _episode_hosts(stores):
        start = _episode_start(pattern, calendar, rng, plan.episode[store] != None)  # noqa: E711
        if start is None:
            plan.skipped_patterns.append(
                {
                    "store_id": stores.at[store, "store_id"],
                    "pattern": pattern,
                    "reason": f"no free months for it in a window of {calendar.months} months",
                }
            )
            continue
        _plant_episode(plan, store, pattern, start)
    _plant_people_issues(plan)
    return plan


def _plan_new_stores(plan: StorePlan) -> None:
    """A store in its first months: marketing push, slightly rougher service."""
    open_month = plan.calendar.month_of_day(plan.stores["_open_day"].to_numpy())
    for store, month in enumerate(open_month):
        for age in range(6):
            column = plan.offset + int(month) + age
            if 0 <= column < plan.util.shape[1]:
                plan.marketing_factor[store, column] = 2.5 - 0.25 * age
                plan.util[store, column] -= 0.03 * (6 - age)


# Knob values per pattern and phase step. Each entry: knob -> list of values, one per month of
# the phase (the last value repeats). Knobs not named keep the healthy value.
_EPISODE_KNOBS: dict[str, dict[str, dict[str, list[float]]]] = {
    "over_efficiency": {
        "ramp": {
            "util": [0.80],
            "eff": [1.345],
            "extra_volume": [0.10],
            "wait_minutes": [10.0],
            "late_rate": [0.07],
            "comeback_extra": [0.03],
            "attrition_annual": [0.25],
            "variable_cost_factor": [1.1],
        },
        "core": {
            "util": [0.85, 0.86],
            "eff": [1.385, 1.40],
            "extra_volume": [0.15],
            "experience_shift": [-0.75],
            "wait_minutes": [13.0],
            "late_rate": [0.12],
            "comeback_extra": [0.18],
            "attrition_annual": [2.4],
            "variable_cost_factor": [1.1],
            "fixed_cost_factor": [1.03],
        },
        "recovery": {
            "util": [0.73, 0.70, 0.68],
            "eff": [1.27, 1.22, 1.19],
            "late_rate": [0.06, 0.05],
            "comeback_extra": [0.03, 0.01, 0.0],
            "attrition_annual": [0.5, 0.25, 0.15],
            "variable_cost_factor": [1.1, 1.05],
            "fixed_cost_factor": [1.05],
        },
    },
    "quality_out_of_control": {
        "ramp": {
            "junior_share": [0.55],
            "bad_supplier_share": [0.4],
            "comeback_extra": [0.05],
            "attrition_annual": [0.4],
        },
        "core": {
            "junior_share": [0.65],
            "bad_supplier_share": [0.7],
            "comeback_extra": [0.25],
            "experience_shift": [-0.95],
            "attrition_annual": [0.35],
        },
        "recovery": {
            "junior_share": [0.55, 0.45],
            "bad_supplier_share": [0.2, 0.0],
            "comeback_extra": [0.04, 0.01],
            "experience_shift": [-0.1, 0.0],
        },
    },
    "poor_experience": {
        "ramp": {"wait_minutes": [13.0], "late_rate": [0.09]},
        "core": {"wait_minutes": [22.0], "late_rate": [0.18], "experience_shift": [-0.3]},
        "recovery": {"wait_minutes": [11.0], "late_rate": [0.07]},
    },
    "blind_scale": {
        "ramp": {
            "discount": [0.08],
            "extra_volume": [0.08],
            "package_rate": [0.2],
            "variable_cost_factor": [1.1],
            "marketing_factor": [1.8],
            "util_add": [0.03],
        },
        "core": {
            "discount": [0.26],
            "extra_volume": [0.3],
            "package_rate": [0.6],
            "variable_cost_factor": [1.5],
            "marketing_factor": [2.5],
            "util_add": [0.06],
        },
        "recovery": {
            "discount": [0.05],
            "extra_volume": [0.05],
            "package_rate": [0.1],
            "marketing_factor": [1.3],
            "util_add": [0.02],
        },
    },
    "cost_out_of_control": {
        "core": {"fixed_cost_factor": [1.5], "variable_cost_factor": [2.0]},
        "recovery": {"fixed_cost_factor": [1.1], "variable_cost_factor": [1.2]},
    },
}


def _plant_episode(plan: StorePlan, store: int, pattern: str, start: int) -> None:
    """Write one episode's knobs into the plan and record it for the manifest."""
    lengths = dict(zip(("ramp", "core", "recovery"), PHASES[pattern], strict=True))
    months: dict[str, list[str]] = {"ramp": [], "core": [], "recovery": []}
    month = start
    for phase in ("ramp", "core", "recovery"):
        knobs = _EPISODE_KNOBS[pattern].get(phase, {})
        for step in range(lengths[phase]):
            if month >= plan.calendar.months:
                break
            column = plan.offset + month
            for knob, values in knobs.items():
                value = values[min(step, len(values) - 1)]
                if knob == "util_add":
                    plan.util[store, column] += value
                else:
                    getattr(plan, knob)[store, column] = value
            plan.episode[store, month] = pattern
            plan.phase[store, month] = phase
            months[phase].append(plan.calendar.month_label(month))
            month += 1
    plan.episodes.append(
        {
            "store_id": plan.stores.at[store, "store_id"],
            "pattern": pattern,
            "months": months,
            "expected_patterns_in_core_months": EXPECTED_PATTERNS[pattern],
            "story": STORIES[pattern],
        }
    )


def _plant_people_issues(plan: StorePlan) -> None:
    """Hard-selling advisor in the healthy reference store; comeback-flag gaming in a quality
    store (it hides the comebacks it produces) or, failing that, another mature store."""
    kinds = plan.stores["_kind"].to_numpy()
    mature = np.flatnonzero(kinds == "mature")
    plan.hard_seller_store = int(mature[0]) if len(mature) else 0
    quality_hosts = [
        plan.stores.index[plan.stores["store_id"] == e["store_id"]][0]
        for e in plan.episodes
        if e["pattern"] == "quality_out_of_control"
    ]
    if quality_hosts:
        plan.gaming_store = int(quality_hosts[0])
    else:
        plan.gaming_store = int(mature[-1]) if len(mature) else 0


def store_role(plan: StorePlan, store: int) -> str:
    """'new' (opens in the window), 'episode' (hosts an episode) or 'healthy'."""
    store_id = plan.stores.at[store, "store_id"]
    if plan.stores.at[store, "_kind"] == "new":
        return "new"
    if any(e["store_id"] == store_id for e in plan.episodes):
        return "episode"
    return "healthy"
