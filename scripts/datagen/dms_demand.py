"""Vehicles, their owners, and the sequence of store visits each vehicle makes.

Demand comes from vehicle lifecycles, not from a quota per day: a car delivered by a store comes
for its first maintenance about five months later, returns every 6-12 months, breaks down more
often as it ages, has the odd accident, and stops coming (churns) more readily after a bad visit
and once its warranty has ended. Stores also win vehicles bought elsewhere (walk-ins, online and
OEM leads): a steady trickle, a burst after a store opens, and whatever an episode's campaign buys.

Visits are simulated in rounds, vectorised over all vehicles: round k draws the k-th visit of
every vehicle still active. Each visit's experience decides whether the vehicle comes back; an
original repair that fails schedules its comeback as the vehicle's next visit. Vehicle history
starts ``HISTORY_YEARS`` before the window so mature stores begin in a steady state; only visits
inside the window are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dms_calendar import add_years
from .dms_plan import (
    COMEBACK_BAD_SUPPLIER,
    COMEBACK_BASE,
    COMEBACK_BY_LEVEL,
    COMEBACK_PER_EFF_ABOVE_130,
    COMEBACK_PER_UTIL_ABOVE_75,
    StorePlan,
)

# Service types and fault systems as small integers inside the simulation.
MAINTENANCE, REPAIR, ACCIDENT, ACCESSORY = 0, 1, 2, 3
SERVICE_TYPES: tuple[str, ...] = ("maintenance", "repair", "accident", "accessory")
FAULT_SYSTEMS: tuple[str, ...] = ("electrical", "engine", "chassis", "body", "hvac", "other")
FAULT_PREFIX: tuple[str, ...] = ("ELE", "ENG", "CHS", "BOD", "HVC", "OTH")
FAULT_CODES_PER_SYSTEM: int = 40
HVAC = 4
PAYERS: tuple[str, ...] = ("customer", "warranty", "insurance", "internal")
CUSTOMER, WARRANTY, INSURANCE, INTERNAL = 0, 1, 2, 3
REASONS: tuple[str, ...] = ("misdiagnosis", "parts_unavailable", "insufficient_time", "workmanship")

#: Lifetime visits per delivered vehicle and per won (conquest) vehicle, measured on this model;
#: used to size each store's deliveries so a mature store lands at its target daily volume.
VISITS_PER_DELIVERY: float = 6.5
VISITS_PER_CONQUEST: float = 4.0
#: Share of a mature store's volume coming from vehicles bought elsewhere.
CONQUEST_SHARE: float = 0.18
#: Insured accidents per vehicle-year that come to the store (minor scrapes included).
ACCIDENTS_PER_YEAR: float = 0.22
#: Weekday preference (Mon..Sun): weekends busiest, Monday catches the weekend's overflow.
WEEKDAY_WEIGHT: np.ndarray = np.array([1.15, 0.90, 0.88, 0.88, 1.00, 1.30, 1.32])
#: Visits move at most three days either way to reach a preferred day.
WEEKDAY_SHIFTS: np.ndarray = np.arange(-3, 4)
#: Experience of an ordinary visit before penalties (see experience.py for the NPS it gives).
EXPERIENCE_BASE: float = 8.9


@dataclass
class Vehicles:
    """One entry per simulated vehicle (before filtering to those the tables keep)."""

    home: np.ndarray  # store index
    delivered: np.ndarray  # day
    warranty_end: np.ndarray  # day
    km_per_day: np.ndarray
    intro_done: np.ndarray  # bool
    conquest: np.ndarray  # bool: bought elsewhere, won by the store later
    selling_store: np.ndarray  # store index or -1
    first_contact: np.ndarray  # day the customer first appears (delivery or first visit)

    def __len__(self) -> int:
        return len(self.home)


def _monthly_poisson(rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return rng.poisson(np.maximum(rate, 0.0))


def _spread_in_months(
    counts: np.ndarray, plan: StorePlan, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(store, day) of every event given counts per (store, plan column)."""
    stores, columns = np.nonzero(counts)
    reps = counts[stores, columns]
    store = np.repeat(stores, reps)
    month = np.repeat(columns, reps) - plan.offset
    first = plan.calendar.month_start_day(month)
    length = plan.calendar.days_in_month(month)
    day = first + np.floor(rng.random(len(store)) * length).astype(np.int64)
    return store, day


def make_vehicles(plan: StorePlan, rng: np.random.Generator) -> Vehicles:
    """Deliveries by each store since it opened (or since the history horizon) and vehicles won
    from elsewhere; sized so a mature store sees its target number of visits a day."""
    calendar = plan.calendar
    stores = plan.stores
    n_columns = plan.util.shape[1]
    month = np.arange(n_columns) - plan.offset
    month_first = calendar.month_start_day(month)
    open_day = stores["_open_day"].to_numpy()
    age_months = (month_first[None, :] - open_day[:, None]) / 30.44
    is_open = (month_first[None, :] + calendar.days_in_month(month)[None, :]) > open_day[:, None]
    monthly_visits = stores["_target_orders"].to_numpy()[:, None] * 30.44
    ramp = np.clip((age_months + 1) / 6, 0.3, 1.0)
    deliveries = monthly_visits * (1 - CONQUEST_SHARE) / VISITS_PER_DELIVERY * ramp
    conquest = monthly_visits * (
        CONQUEST_SHARE / VISITS_PER_CONQUEST
        + 0.30 * np.exp(-np.maximum(age_months, 0) / 14.0)
        + plan.extra_volume
    )
    deliveries = np.where(is_open, deliveries, 0.0)
    conquest = np.where(is_open, conquest, 0.0)
    d_store, d_day = _spread_in_months(_monthly_poisson(deliveries, rng), plan, rng)
    c_store, c_day = _spread_in_months(_monthly_poisson(conquest, rng), plan, rng)
    # Events before the store opened (first month) move to the opening day.
    d_day = np.maximum(d_day, open_day[d_store])
    c_day = np.maximum(c_day, open_day[c_store])
    n_d, n_c = len(d_store), len(c_store)
    c_age_days = rng.uniform(0.3, 8.0, n_c) * 365.25
    delivered = np.concatenate([d_day, (c_day - c_age_days).astype(np.int64)])
    home = np.concatenate([d_store, c_store])
    selling = np.concatenate([d_store, np.full(n_c, -1)])
    # A few won vehicles were sold by another store of the network.
    other = rng.random(n_c) < 0.12
    selling[n_d:][other] = rng.integers(0, len(stores), other.sum())
    selling_open = open_day[np.maximum(selling, 0)] <= delivered
    selling = np.where((selling >= 0) & ~selling_open, -1, selling)
    intro_rate = stores["_intro_rate"].to_numpy()[home]
    order = np.lexsort((home, delivered))
    vehicles = Vehicles(
        home=home[order],
        delivered=delivered[order],
        warranty_end=add_years(delivered[order], calendar, 3),
        km_per_day=(rng.lognormal(np.log(15000), 0.35, n_d + n_c) / 365.25)[order],
        intro_done=(rng.random(n_d + n_c) < intro_rate)[order],
        conquest=np.concatenate([np.zeros(n_d, bool), np.ones(n_c, bool)])[order],
        selling_store=selling[order],
        first_contact=np.concatenate([d_day, c_day])[order],
    )
    return vehicles


@dataclass
class Visits:
    """Visits inside the window, one entry per future work order (columns as numpy arrays)."""

    vehicle: np.ndarray
    store: np.ndarray
    day: np.ndarray
    service_type: np.ndarray
    fault_system: np.ndarray  # -1 when not a repair/accident
    fault_number: np.ndarray
    cancelled: np.ndarray
    payer: np.ndarray
    advisor_slot: np.ndarray
    level: np.ndarray  # technician level asked for (1..3)
    bad_supplier: np.ndarray  # parts of this order come from the bad supplier
    delivery_lag: np.ndarray  # days between arrival and delivery
    wait_minutes: np.ndarray
    late: np.ndarray
    experience: np.ndarray
    is_comeback: np.ndarray  # planted comeback visit
    comeback_of: np.ndarray  # position (in these arrays) of the original, -1 if outside window
    comeback_reason: np.ndarray  # index into REASONS, -1 if none
    first_maintenance: np.ndarray
    odometer: np.ndarray

    def __len__(self) -> int:
        return len(self.day)


class _Rounds:
    """Mutable state of the round-by-round visit simulation."""

    def __init__(self, plan: StorePlan, vehicles: Vehicles, rng: np.random.Generator) -> None:
        self.plan = plan
        self.cal = plan.calendar
        self.v = vehicles
        self.rng = rng
        n = len(vehicles)
        self.now = vehicles.delivered.copy()
        first_maint = vehicles.delivered + np.clip(rng.normal(160, 38, n), 60, 330).astype(np.int64)
        self.next_maint = first_maint
        arrive_first = rng.random(n) < np.where(vehicles.intro_done, 0.93, 0.62)
        self.alive = vehicles.conquest | arrive_first
        self.forced_day = np.where(vehicles.conquest, vehicles.first_contact, -1)
        self.forced_type = np.where(
            vehicles.conquest, rng.choice(4, n, p=[0.45, 0.37, 0.10, 0.08]), -1
        )
        self.forced_store = np.where(vehicles.conquest, vehicles.home, -1)
        self.forced_fault = np.full(n, -1, dtype=np.int64)
        self.forced_of = np.full(n, -1, dtype=np.int64)
        self.forced_reason = np.full(n, -1, dtype=np.int64)
        self.forced_is_cb = np.zeros(n, dtype=bool)
        self.forced_type_original = np.full(n, -1, dtype=np.int64)
        self.last_fault = np.full(n, -1, dtype=np.int64)
        self.last_fault_delivered = np.full(n, -10_000, dtype=np.int64)
        self.maint_count = np.zeros(n, dtype=np.int64)
        self.chunks: list[dict[str, np.ndarray]] = []
        self.n_kept = 0
        self.cny = self.cal.spring_festival_days()
        self.alt_store = self._alternative_stores()
        self.shift_table = self._weekday_shift_table()
        self.n_adv = plan.stores["_n_advisors"].to_numpy()
        self.hard_seller_store = plan.hard_seller_store
        self.open_day = plan.stores["_open_day"].to_numpy()

    # -- helpers -----------------------------------------------------------------------------
    def _alternative_stores(self) -> np.ndarray:
        """For each store, another store in the same city (or itself if none)."""
        stores = self.plan.stores
        alt = np.arange(len(stores))
        for group in stores.groupby("city").groups.values():
            members = np.asarray(group)
            if len(members) > 1:
                alt[members] = np.roll(members, 1)
        return alt

    @staticmethod
    def _weekday_shift_table() -> np.ndarray:
        """Cumulative probabilities of moving a visit by -3..+3 days, by weekday: customers
        prefer weekends and Mondays, so some weekday visits slide to them (Sat/Sun ≈ x1.3,
        Mon ≈ x1.1 of an average day)."""
        table = np.zeros((7, len(WEEKDAY_SHIFTS)))
        for weekday in range(7):
            weights = np.array(
                [
                    WEEKDAY_WEIGHT[(weekday + shift) % 7] ** 2 * 0.3 ** abs(shift)
                    for shift in WEEKDAY_SHIFTS
                ]
            )
            table[weekday] = np.cumsum(weights / weights.sum())
        return table

    def _prefer_days(self, day: np.ndarray, now: np.ndarray) -> np.ndarray:
        """Slide free-choice visit days toward preferred weekdays and out of the Spring
        Festival closure (those visits come in the two weeks after it)."""
        weekday = self.cal.weekday(day)
        u = self.rng.random(len(day))
        pick = np.minimum(
            (u[:, None] > self.shift_table[weekday]).sum(axis=1), len(WEEKDAY_SHIFTS) - 1
        )
        day = np.maximum(day + WEEKDAY_SHIFTS[pick], now + 1)
        for festival in self.cny:
            closed = (day >= festival - 1) & (day <= festival + 5)
            if closed.any():
                day[closed] = (
                    festival
                    + 6
                    + np.floor(self.rng.exponential(9.0, closed.sum())).astype(np.int64)
                )
        return day

    def _plan(self, name: str, store: np.ndarray, day: np.ndarray) -> np.ndarray:
        column = np.clip(
            self.cal.month_of_day(day) + self.plan.offset, 0, self.plan.util.shape[1] - 1
        )
        return getattr(self.plan, name)[store, column]

    # -- one round ---------------------------------------------------------------------------
    def step(self) -> bool:
        """Draw the next visit of every active vehicle; False when none is left."""
        end = self.cal.end_day
        idx = np.flatnonzero(self.alive & (self.now < end))
        if len(idx) == 0:
            return False
        rng = self.rng
        v = self.v
        now = self.now[idx]
        age_years = (now - v.delivered[idx]) / 365.25
        repair_rate = (0.40 + 0.10 * np.minimum(age_years, 8.0)) / 365.25
        candidates = np.stack(
            [
                np.maximum(self.next_maint[idx], now + 1).astype(np.float64),
                now + 1 + rng.exponential(1.0 / repair_rate),
                now + 1 + rng.exponential(365.25 / ACCIDENTS_PER_YEAR, len(idx)),
                now + 1 + rng.exponential(365.25 / np.where(age_years < 1, 0.25, 0.09)),
            ]
        )
        # Summer: air-conditioning failures (only counted when they fall in June-August).
        ac = now + 1 + rng.exponential(365.25 / 0.3, len(idx))
        ac_month = self.cal.calendar_month(np.minimum(ac, 10**6).astype(np.int64))
        ac = np.where((ac_month >= 6) & (ac_month <= 8), ac, np.inf)
        candidates = np.vstack([candidates, ac[None, :]])
        kind = np.argmin(candidates, axis=0)
        day = np.floor(candidates[kind, np.arange(len(idx))]).astype(np.int64)
        service_type = np.where(kind == 4, REPAIR, kind)
        day = self._prefer_days(day, now)
        forced = self.forced_day[idx] >= 0
        day = np.where(forced, self.forced_day[idx], day)
        service_type = np.where(forced, self.forced_type[idx], service_type)
        too_old = age_years > 12
        self.alive[idx[too_old]] = False
        keep = ~too_old & (day < end)
        self.now[idx[~keep]] = end
        idx, day, service_type, kind = idx[keep], day[keep], service_type[keep], kind[keep]
        forced = forced[keep]
        if len(idx) == 0:
            return True
        self._record(idx, day, service_type, (kind == 4) & ~forced, forced)
        return True

    def _record(
        self,
        idx: np.ndarray,
        day: np.ndarray,
        service_type: np.ndarray,
        summer_ac: np.ndarray,
        forced: np.ndarray,
    ) -> None:
        rng = self.rng
        v = self.v
        n = len(idx)
        is_cb = forced & self.forced_is_cb[idx]
        # Store: comebacks and first visits of won vehicles go where they were forced; a few
        # other visits go to another store of the same city when it is open.
        store = v.home[idx].copy()
        store = np.where(forced, self.forced_store[idx], store)
        alt = self.alt_store[store]
        use_alt = (~forced) & (rng.random(n) < 0.04) & (self.open_day[alt] <= day)
        store = np.where(use_alt, alt, store)
        repairish = (service_type == REPAIR) | (service_type == ACCIDENT)
        fault_system, fault_number = self._faults(idx, day, service_type, summer_ac, is_cb)
        cancelled = (~is_cb) & (rng.random(n) < 0.015)
        in_warranty = day < v.warranty_end[idx]
        first_maint = (
            (service_type == MAINTENANCE) & (self.maint_count[idx] == 0) & ~v.conquest[idx]
        )
        payer = self._payers(service_type, in_warranty, first_maint, is_cb)
        advisor_slot = np.floor(rng.random(n) * self.n_adv[store]).astype(np.int64)
        junior = self._plan("junior_share", store, day)
        senior = 0.2 * (1 - junior) / 0.6
        u = rng.random(n)
        level = np.where(u < junior, 1, np.where(u < junior + senior, 3, 2))
        bad_supplier = rng.random(n) < np.maximum(
            self._plan("bad_supplier_share", store, day), 0.02
        )
        lag = np.zeros(n, dtype=np.int64)
        lag = np.where(service_type == ACCIDENT, 1 + np.minimum(rng.poisson(2.0, n), 7), lag)
        lag = np.where(service_type == REPAIR, rng.choice(3, n, p=[0.82, 0.14, 0.04]), lag)
        lag = np.where(
            (service_type == MAINTENANCE) | (service_type == ACCESSORY),
            (rng.random(n) < 0.02).astype(np.int64),
            lag,
        )
        # Orders arriving at the very end of the window are still delivered inside it.
        lag = np.minimum(lag, np.maximum(self.cal.end_day - 1 - day, 0))
        wait_mean = self._plan("wait_minutes", store, day)
        wait = rng.lognormal(np.log(wait_mean) - 0.5 * 0.45**2, 0.45)
        late = rng.random(n) < self._plan("late_rate", store, day)
        hard_seller = (store == self.hard_seller_store) & (advisor_slot == 0)
        experience = (
            EXPERIENCE_BASE
            + self._plan("experience_shift", store, day)
            - 0.05 * np.maximum(wait - 10.0, 0.0)
            - 1.3 * late
            - 2.6 * is_cb
            - 0.15 * hard_seller
            - 1.0 * cancelled
            + rng.normal(0.0, 0.85, n)
        )
        experience = np.clip(experience, 0.0, 10.0)
        delivered_day = day + lag
        # Comebacks of original repair/accident orders (the causal chain).
        original = repairish & ~is_cb & ~cancelled
        p_cb, reason_weights = self._comeback_probability(store, day, level, bad_supplier)
        will_cb = original & (rng.random(n) < p_cb)
        positions = np.arange(self.n_kept, self.n_kept + n)
        in_window = day >= 0
        self._schedule_comebacks(
            idx,
            will_cb,
            delivered_day,
            store,
            service_type,
            fault_system,
            fault_number,
            reason_weights,
            positions,
            in_window,
        )
        # Fault bookkeeping so unrelated repairs never look like comebacks by accident.
        has_fault = repairish & ~cancelled
        self.last_fault[idx[has_fault]] = (fault_system * 1000 + fault_number)[has_fault]
        self.last_fault_delivered[idx[has_fault]] = delivered_day[has_fault]
        # Maintenance schedule.
        done_maint = (service_type == MAINTENANCE) & ~cancelled
        gap = np.where(
            self.maint_count[idx] == 0,
            rng.normal(215, 45, n),
            np.where(in_warranty, rng.normal(240, 50, n), rng.normal(320, 70, n)),
        )
        gap = np.clip(gap, 120, 450).astype(np.int64)
        self.next_maint[idx[done_maint]] = (day + gap)[done_maint]
        self.maint_count[idx[done_maint]] += 1
        overdue = ~done_maint & (self.next_maint[idx] <= day)
        self.next_maint[idx[overdue]] = day[overdue] + rng.integers(5, 25, overdue.sum())
        # Churn after the visit: bad experience, end of warranty, a pushy advisor.
        p_stay = np.where(in_warranty, 0.93, 0.85) - 0.04 * v.conquest[idx]
        p_stay = p_stay - 0.08 * np.maximum(8.0 - experience, 0.0) - 0.12 * hard_seller
        stays = (rng.random(n) < p_stay) | will_cb
        self.alive[idx] &= stays
        self.now[idx] = delivered_day
        # A forced visit has happened; a newly scheduled comeback replaced it above.
        was_forced = forced & ~will_cb
        self.forced_day[idx[was_forced]] = -1
        self.forced_is_cb[idx[was_forced]] = False
        odometer = np.maximum(
            0, (day - v.delivered[idx]) * v.km_per_day[idx] * rng.normal(1.0, 0.04, n)
        ).astype(np.int64)
        comeback_of = np.where(is_cb, self.forced_of[idx], -1)
        comeback_reason = np.where(is_cb, self.forced_reason[idx], -1)
        if in_window.any():
            chunk = {
                "vehicle": idx,
                "store": store,
                "day": day,
                "service_type": service_type,
                "fault_system": fault_system,
                "fault_number": fault_number,
                "cancelled": cancelled,
                "payer": payer,
                "advisor_slot": advisor_slot,
                "level": level,
                "bad_supplier": bad_supplier,
                "delivery_lag": lag,
                "wait_minutes": wait,
                "late": late,
                "experience": experience,
                "is_comeback": is_cb,
                "comeback_of": comeback_of,
                "comeback_reason": comeback_reason,
                "first_maintenance": first_maint,
                "odometer": odometer,
            }
            self.chunks.append({key: value[in_window] for key, value in chunk.items()})
            self.n_kept += int(in_window.sum())
        # Positions for comebacks scheduled this round referred to this round's kept visits:
        # _schedule_comebacks used positions computed before filtering; fix them up.
        self._fix_positions(idx, will_cb, positions, in_window)

    def _fix_positions(
        self, idx: np.ndarray, will_cb: np.ndarray, positions: np.ndarray, in_window: np.ndarray
    ) -> None:
        """Map the provisional positions of originals to their index among kept visits."""
        kept_rank = np.cumsum(in_window) - 1
        start = self.n_kept - int(in_window.sum())
        originals = idx[will_cb]
        provisional = self.forced_of[originals]
        local = provisional - positions[0]
        window_original = in_window[local]
        self.forced_of[originals] = np.where(window_original, start + kept_rank[local], -1)

    def _faults(
        self,
        idx: np.ndarray,
        day: np.ndarray,
        service_type: np.ndarray,
        summer_ac: np.ndarray,
        is_cb: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fault system and code number of repair/accident visits (-1 otherwise)."""
        rng = self.rng
        n = len(idx)
        repair_p = np.array([0.28, 0.20, 0.22, 0.08, 0.10, 0.12])
        accident_p = np.array([0.05, 0.0, 0.15, 0.80, 0.0, 0.0])
        system = np.where(
            service_type == ACCIDENT, rng.choice(6, n, p=accident_p), rng.choice(6, n, p=repair_p)
        )
        system = np.where(summer_ac, HVAC, system)
        # Popular codes come up more often (Zipf-like over 40 codes per system).
        number = (
            np.minimum(
                np.floor(rng.pareto(1.2, n) * 4).astype(np.int64), FAULT_CODES_PER_SYSTEM - 1
            )
            + 1
        )
        code = system * 1000 + number
        clash = (code == self.last_fault[idx]) & (day - self.last_fault_delivered[idx] <= 31)
        number = np.where(clash, number % FAULT_CODES_PER_SYSTEM + 1, number)
        forced_code = self.forced_fault[idx]
        system = np.where(is_cb, forced_code // 1000, system)
        number = np.where(is_cb, forced_code % 1000, number)
        repairish = (service_type == REPAIR) | (service_type == ACCIDENT)
        return np.where(repairish, system, -1), np.where(repairish, number, -1)

    def _payers(
        self,
        service_type: np.ndarray,
        in_warranty: np.ndarray,
        first_maint: np.ndarray,
        is_cb: np.ndarray,
    ) -> np.ndarray:
        """Who pays: the OEM pays the free first maintenance and most in-warranty repairs,
        insurers most accidents, the store its own rework."""
        rng = self.rng
        n = len(service_type)
        u = rng.random(n)
        payer = np.full(n, CUSTOMER)
        payer = np.where(first_maint, WARRANTY, payer)
        payer = np.where((service_type == REPAIR) & in_warranty & (u < 0.75), WARRANTY, payer)
        payer = np.where((service_type == ACCIDENT) & (u < 0.8), INSURANCE, payer)
        cb_payer = np.where(u < 0.9, INTERNAL, np.where(in_warranty, WARRANTY, CUSTOMER))
        return np.where(is_cb, cb_payer, payer)

    def _comeback_probability(
        self, store: np.ndarray, day: np.ndarray, level: np.ndarray, bad_supplier: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probability that an original repair comes back, and the weight of each cause
        (misdiagnosis, parts, time pressure, workmanship) for the reason the advisor records."""
        util = self._plan("util", store, day)
        eff = self._plan("eff", store, day)
        overload = COMEBACK_PER_UTIL_ABOVE_75 * np.maximum(
            util - 0.75, 0
        ) + COMEBACK_PER_EFF_ABOVE_130 * np.maximum(eff - 1.30, 0)
        junior = np.array([0.0, COMEBACK_BY_LEVEL[1], COMEBACK_BY_LEVEL[2], COMEBACK_BY_LEVEL[3]])[
            level
        ]
        parts = COMEBACK_BAD_SUPPLIER * bad_supplier
        extra = self._plan("comeback_extra", store, day)
        episode = self.plan.episode
        # Episode terms follow the episode's cause: overload in over-efficiency stores, junior
        # workmanship and parts in quality stores.
        column = np.clip(self.cal.month_of_day(day), 0, episode.shape[1] - 1)
        in_window = (self.cal.month_of_day(day) >= 0) & (
            self.cal.month_of_day(day) < episode.shape[1]
        )
        pattern = np.where(in_window, episode[store, column], None)
        over = pattern == "over_efficiency"
        p = COMEBACK_BASE + overload + junior + parts + extra
        base = COMEBACK_BASE + np.maximum(junior, 0)
        weights = np.stack(
            [
                0.55 * base + 0.5 * (overload + extra * over),  # misdiagnosis
                0.15 * base + parts + 0.3 * extra * ~over,  # parts unavailable
                0.10 * base + 0.5 * (overload + extra * over),  # insufficient time
                0.20 * base + np.maximum(junior, 0) * 2 + 0.7 * extra * ~over,  # workmanship
            ],
            axis=1,
        )
        return np.clip(p, 0.0, 0.9), weights

    def _schedule_comebacks(
        self,
        idx: np.ndarray,
        will_cb: np.ndarray,
        delivered_day: np.ndarray,
        store: np.ndarray,
        service_type: np.ndarray,
        fault_system: np.ndarray,
        fault_number: np.ndarray,
        weights: np.ndarray,
        positions: np.ndarray,
        in_window: np.ndarray,
    ) -> None:
        """The vehicle's next visit becomes the comeback: same store and fault, 1-22 days
        after delivery (so always inside the 30-day definition)."""
        rng = self.rng
        sel = np.flatnonzero(will_cb)
        if len(sel) == 0:
            return
        vehicles = idx[sel]
        gap = 1 + np.minimum(np.floor(rng.exponential(5.5, len(sel))), 21).astype(np.int64)
        w = weights[sel]
        cumulative = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
        reason = (rng.random(len(sel))[:, None] > cumulative).sum(axis=1)
        self.forced_day[vehicles] = delivered_day[sel] + gap
        self.forced_type[vehicles] = service_type[sel]
        self.forced_store[vehicles] = store[sel]
        self.forced_fault[vehicles] = fault_system[sel] * 1000 + fault_number[sel]
        self.forced_of[vehicles] = positions[sel]
        self.forced_reason[vehicles] = np.minimum(reason, 3)
        self.forced_is_cb[vehicles] = True

    def result(self) -> Visits:
        if not self.chunks:
            raise ValueError("no visits inside the window")
        merged = {
            key: np.concatenate([chunk[key] for chunk in self.chunks]) for key in self.chunks[0]
        }
        return Visits(**merged)


def simulate_visits(plan: StorePlan, vehicles: Vehicles, rng: np.random.Generator) -> Visits:
    """Run the rounds until no vehicle has a visit left inside the window."""
    rounds = _Rounds(plan, vehicles, rng)
    while rounds.step():
        pass
    return rounds.result()
