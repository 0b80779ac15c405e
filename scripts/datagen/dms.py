"""DMS simulation: stores, people, customers, vehicles, work orders, lines and the time clock.

``simulate_dms(config, rng)`` returns a :class:`DmsWorld`: the seven DMS/reference tables with
exactly the contract's columns (plus internal ``_``-columns shared with the CRM/ERP step), one
row per store and month with the operating plan (``store_months``) and a manifest of what was
planted where. The steps, and why they come in this order:

1. Store plan (dms_plan): stores, healthy monthly plans, the five planted episodes.
2. Demand (dms_demand): vehicles and their visits, simulated as lifecycles, because retention,
   comebacks and first maintenance are properties of customers over time, not of days.
3. Lines (dms_lines): what each visit bought; their sold hours size the technician teams.
4. Staff (dms_staff): advisors from store size, technicians from the work to do (so labour
   utilisation stays in band and attrition follows the episodes).
5. Timing (dms_orders): timestamps, with bay time scaled to the planned utilisation.
6. Time clock, comeback flags as the advisors record them, identifiers, tables.

Latent columns on ``work_orders`` for the CRM step: ``_experience`` (0..10, feed it to
``experience.nps_scores_from_experience``), ``_is_data_comeback`` and ``_has_comeback`` (the
contract's data definition of comebacks, computed from the final table).

Ledger contract (for crm_erp's ``finance_ledger``, per store and month; R = revenue of the
month's closed orders' lines by delivered_at, i.e. Σ net_amount, split by revenue_category):

* ``revenue_*`` = Σ net_amount by revenue_category (reconciles with the DMS exactly).
* ``cogs_parts`` / ``cogs_labor`` / ``cogs_accessory`` = Σ cost_amount of lines of closed orders
  whose payer is not ``internal``, by line_type (part / labor / accessory + value_added).
* ``opex_rework`` = Σ cost_amount of lines of closed ``internal``-payer orders (free rework).
* ``opex_commission`` = COMMISSION_SHARE x R x variable_cost_factor;
  ``opex_consumables`` = CONSUMABLES_SHARE x R x variable_cost_factor.
* Fixed expense F = fixed_cost_base x fixed_cost_factor, split ``opex_rent`` 30%,
  ``opex_salaries`` 50%, ``opex_depreciation`` 12%, ``opex_other_fixed`` 8% (FIXED_SPLIT).
  ``fixed_cost_base`` (a column of store_months, CNY) is FIXED_COST_SHARE x (0.5 N + 0.5
  min(R, N)) where N is the store's normal monthly revenue (median of its non-episode months
  within ±6 months): fixed costs scale with store size, a quiet month costs a little less
  (piece-rate pay), and an episode's revenue swing does not move them.
* ``marketing_spend`` = marketing_base x marketing_factor (marketing_base = 1% of normal
  revenue). Not part of the net-margin expense groups (it is the CAC numerator).
* ``inventory_parts_value`` = cogs_parts x 12 / 7 (about seven turns a year).

With these, a healthy store-month has gross margin ≈ 43-45% (lines, rework excluded), variable
expense ≈ 8% of revenue, fixed ≈ 24% and net margin ≈ 11-12% (8-17% across months). The
episodes, by the same formulas (tests/python/dms_metrics.py computes them):

* cost_out_of_control core: fixed x1.5, variable x2.0 -> gross ≈ 44%, net ≈ -13..-5%;
* blind_scale core: 26% extra discount and near-cost packages -> gross ≈ 27-29%, net < 0,
  revenue +25-60% on the same month a year before (more won customers);
* over_efficiency core: variable x1.1, fixed x1.03, rework ≈ 3% of revenue -> net ≈ 9-13%, kept
  above 5% on purpose so the cost pattern does not fire (profit still falls: rework, churn);
* quality_out_of_control / poor_experience: factors 1.0, net ≈ 9-12%.

ledger.py (crm_erp) may size fixed costs its own way (from the store's healthy months) instead of
``fixed_cost_base``; the factors must then multiply the same expense groups as above.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import GeneratorConfig
from .dms_calendar import Calendar, make_calendar
from .dms_demand import (
    ACCIDENT,
    FAULT_CODES_PER_SYSTEM,
    FAULT_PREFIX,
    FAULT_SYSTEMS,
    PAYERS,
    REASONS,
    REPAIR,
    SERVICE_TYPES,
    Vehicles,
    Visits,
    make_vehicles,
    simulate_visits,
)
from .dms_lines import OrderInputs, make_lines
from .dms_orders import DAY, OrderTimes, make_times, natural_bay_hours
from .dms_plan import StorePlan, build_store_plan, store_role
from .dms_staff import (
    assign_technicians,
    make_advisors,
    make_tech_days,
    make_technicians,
    technician_need,
)
from .dms_tables import customers_and_vehicles, employees_table, ids, stores_table

COMMISSION_SHARE: float = 0.05
CONSUMABLES_SHARE: float = 0.025
FIXED_COST_SHARE: float = 0.25
MARKETING_SHARE: float = 0.01
FIXED_SPLIT: dict[str, float] = {
    "opex_rent": 0.30,
    "opex_salaries": 0.50,
    "opex_depreciation": 0.12,
    "opex_other_fixed": 0.08,
}
INVENTORY_MONTHS_OF_PARTS_COST: float = 12 / 7
#: Share of data-defined comebacks the advisors flag (a gaming store flags far fewer).
FLAG_RATE: float = 0.95
GAMING_FLAG_RATE: float = 0.60

STREAMS: tuple[str, ...] = (
    "plan",
    "vehicles",
    "visits",
    "advisors",
    "lines",
    "technicians",
    "tech_days",
    "assign",
    "times",
    "clock",
    "flags",
    "tables",
    "orders",
)


@dataclass
class DmsWorld:
    """Output of the DMS step (see the module docstring)."""

    tables: dict[str, pd.DataFrame]
    store_months: pd.DataFrame
    manifest: dict


def simulate_dms(config: GeneratorConfig, rng: np.random.Generator) -> DmsWorld:
    """Simulate the network's DMS for the configured window; deterministic for a given rng."""
    streams = dict(zip(STREAMS, rng.spawn(len(STREAMS)), strict=True))
    calendar = make_calendar(config.start, config.months)
    plan = build_store_plan(config.stores, calendar, streams["plan"])
    vehicles = make_vehicles(plan, streams["vehicles"])
    visits = _sort_visits(simulate_visits(plan, vehicles, streams["visits"]))
    advisors = make_advisors(plan, streams["advisors"])
    work = _work_done(plan, visits, advisors, streams)
    staff = _staff_and_clock(plan, visits, advisors, work, streams)
    keep_vehicle = _kept_vehicles(vehicles, visits, calendar)
    customers, vehicle_table, _ = customers_and_vehicles(
        plan, vehicles, keep_vehicle, streams["tables"]
    )
    vehicle_pos = (np.cumsum(keep_vehicle) - 1)[visits.vehicle]
    del vehicles, keep_vehicle
    work_orders = _work_orders(
        plan,
        visits,
        work.times,
        vehicle_table,
        vehicle_pos,
        staff.employees,
        staff.advisor_emp,
        staff.technician_emp,
        streams["flags"],
    )
    del visits, vehicle_pos
    lines_table = _lines_table(work.lines, work_orders)
    store_months = _store_months(plan, work.times, work_orders, lines_table)
    tables = {
        "stores": stores_table(plan),
        "employees": staff.employees,
        "customers": customers,
        "vehicles": vehicle_table,
        "work_orders": work_orders,
        "work_order_lines": lines_table,
        "technician_time": staff.clock,
    }
    manifest = _manifest(config, plan, staff.employees, tables)
    return DmsWorld(tables=tables, store_months=store_months, manifest=manifest)


@dataclass
class _Work:
    """What the visits bought and when: lines, sold hours, timestamps, advisor desks."""

    lines: pd.DataFrame
    sold: np.ndarray  # sold hours per visit
    times: OrderTimes
    advisor_row: np.ndarray  # row of the advisors frame holding the visit's desk


@dataclass
class _Staff:
    employees: pd.DataFrame  # the employees table (with internal columns)
    advisor_emp: np.ndarray  # employees row of each visit's advisor
    technician_emp: np.ndarray  # employees row of each visit's lead technician
    clock: pd.DataFrame  # the technician_time table


def _work_done(
    plan: StorePlan,
    visits: Visits,
    advisors: pd.DataFrame,
    streams: dict[str, np.random.Generator],
) -> _Work:
    """Lines of the closed visits (the hard seller sells more), then their timestamps (bay time
    from the sold hours, scaled to the planned utilisation)."""
    advisor_row = _resolve_advisors(advisors, visits)
    closed = ~visits.cancelled
    hard_seller = advisor_row == _hard_seller_row(advisors, plan)
    lines = make_lines(_order_inputs(plan, visits, hard_seller, closed), streams["lines"])
    lines["_order"] = np.flatnonzero(closed)[lines["_order"].to_numpy()]
    sold = np.zeros(len(visits))
    np.add.at(sold, lines["_order"].to_numpy(), lines["sold_hours"].to_numpy())
    natural = natural_bay_hours(visits.service_type, sold, streams["times"])
    times = make_times(
        plan,
        visits.day,
        visits.store,
        visits.service_type,
        natural,
        visits.wait_minutes,
        visits.delivery_lag,
        visits.late,
        visits.cancelled,
        hard_seller,
        streams["times"],
    )
    return _Work(lines=lines, sold=sold, times=times, advisor_row=advisor_row)


def _staff_and_clock(
    plan: StorePlan,
    visits: Visits,
    advisors: pd.DataFrame,
    work: _Work,
    streams: dict[str, np.random.Generator],
) -> _Staff:
    """Technicians staffed from the work, everyone's ids, who led each order, the time clock."""
    delivered_month = plan.calendar.month_of_day(work.times.delivered // DAY)
    need = technician_need(plan, delivered_month, visits.store, visits.level, work.sold)
    technicians = make_technicians(plan, need, streams["technicians"])
    employees = pd.concat([advisors, technicians], ignore_index=True)
    employees = employees.sort_values(
        ["_store", "role", "_hired_day", "_slot"], kind="stable"
    ).reset_index(drop=True)
    emp_table = employees_table(employees, plan)
    tech_rows = np.flatnonzero(emp_table["role"].to_numpy() == "technician")
    tech_days = make_tech_days(
        plan, employees.iloc[tech_rows].reset_index(drop=True), streams["tech_days"]
    )
    tech_days["_emp"] = tech_rows[tech_days["_emp"].to_numpy()]
    tech_days = _ensure_cover(tech_days, emp_table, visits)
    td_row = assign_technicians(
        tech_days, visits.store, visits.day, visits.level, streams["assign"]
    )
    technician_emp = tech_days["_emp"].to_numpy()[td_row]
    clock = _time_clock(
        plan, tech_days, technician_emp, work.sold, delivered_month, visits, streams["clock"]
    )
    clock.insert(0, "employee_id", emp_table["employee_id"].to_numpy()[clock.pop("_emp")])
    return _Staff(
        employees=emp_table,
        advisor_emp=_advisor_employee_rows(employees, advisors, work.advisor_row),
        technician_emp=technician_emp,
        clock=clock,
    )


# -- visits ------------------------------------------------------------------------------------
def _sort_visits(visits: Visits) -> Visits:
    """Order visits by day and store (work order ids follow this order); remap comeback links."""
    order = np.lexsort((visits.vehicle, visits.store, visits.day))
    new_position = np.empty(len(order), dtype=np.int64)
    new_position[order] = np.arange(len(order))
    fields = {f.name: getattr(visits, f.name)[order] for f in dataclasses.fields(visits)}
    of = fields["comeback_of"]
    fields["comeback_of"] = np.where(of >= 0, new_position[np.maximum(of, 0)], -1)
    return Visits(**fields)


def _resolve_advisors(advisors: pd.DataFrame, visits: Visits) -> np.ndarray:
    """Row of ``advisors`` holding the visit's desk on the visit day."""
    big = 10**7
    key = (advisors["_store"].to_numpy() * 8 + advisors["_slot"].to_numpy()) * (2 * big) + (
        advisors["_hired_day"].to_numpy() + big
    )
    order = np.argsort(key, kind="stable")
    visit_key = (visits.store * 8 + visits.advisor_slot) * (2 * big) + (visits.day + big)
    position = np.searchsorted(key[order], visit_key, side="right") - 1
    return order[np.maximum(position, 0)]


def _hard_seller_row(advisors: pd.DataFrame, plan: StorePlan) -> int:
    match = np.flatnonzero(
        (advisors["_store"].to_numpy() == plan.hard_seller_store)
        & (advisors["_slot"].to_numpy() == 0)
    )
    return int(match[-1])


def _advisor_employee_rows(
    employees: pd.DataFrame, advisors: pd.DataFrame, advisor_row: np.ndarray
) -> np.ndarray:
    """Map rows of the advisors frame to rows of the sorted employees frame."""
    key_cols = ["_store", "_slot", "_hired_day"]
    emp_adv = employees[employees["role"] == "service_advisor"]
    lookup = pd.Series(emp_adv.index.to_numpy(), index=pd.MultiIndex.from_frame(emp_adv[key_cols]))
    adv_keys = pd.MultiIndex.from_frame(advisors[key_cols])
    mapped = lookup.reindex(adv_keys).to_numpy()
    return mapped[advisor_row].astype(np.int64)


def _order_inputs(
    plan: StorePlan, visits: Visits, hard_seller: np.ndarray, closed: np.ndarray
) -> OrderInputs:
    column = np.clip(
        plan.calendar.month_of_day(visits.day) + plan.offset, 0, plan.util.shape[1] - 1
    )
    store = visits.store
    accept = 0.62 + 0.12 * ((store * 7919) % 13) / 12.0
    accept = np.where(hard_seller, 0.86, accept)
    sel = closed
    return OrderInputs(
        service_type=visits.service_type[sel],
        payer=visits.payer[sel],
        fault_system=visits.fault_system[sel],
        is_comeback=visits.is_comeback[sel],
        first_maintenance=visits.first_maintenance[sel],
        hard_seller=hard_seller[sel],
        bad_supplier=visits.bad_supplier[sel],
        labor_rate=plan.stores["_labor_rate"].to_numpy()[store][sel],
        discount_extra=plan.discount[store, column][sel],
        package_rate=plan.package_rate[store, column][sel],
        store_supplier_offset=((store * 5) % 11)[sel],
        accept_rate=accept[sel],
    )


# -- technicians and the time clock ------------------------------------------------------------
def _ensure_cover(tech_days: pd.DataFrame, employees: pd.DataFrame, visits: Visits) -> pd.DataFrame:
    """Store-days with orders but nobody clocked in (festival duty): call in the store's
    employed technician with the lowest id, so every order has a lead technician at work."""
    span = 1 << 20  # day offsets fit easily; keys are store * span + day
    shift = int(min(tech_days["day"].min(), visits.day.min())) if len(tech_days) else 0
    present = tech_days["_store"].to_numpy() * span + (tech_days["day"].to_numpy() - shift)
    needed = np.unique(visits.store * span + (visits.day - shift))
    lacking = needed[~np.isin(needed, present)]
    if len(lacking) == 0:
        return tech_days
    missing = [(int(key // span), int(key % span) + shift) for key in lacking]
    techs = employees[employees["role"] == "technician"]
    rows = []
    for store, day in missing:
        staff = techs[
            (techs["_store"] == store)
            & (techs["_hired_day"] <= day)
            & ((techs["_left_day"] < 0) | (techs["_left_day"] > day))
        ]
        if staff.empty:
            staff = techs[techs["_store"] == store]
        person = staff.index[0]
        rows.append(
            {
                "_emp": int(person),
                "_store": store,
                "day": day,
                "level": int(techs.at[person, "technician_level"]),
                "available_hours": 8.0,
            }
        )
    extra = pd.DataFrame(rows)
    combined = pd.concat([tech_days, extra], ignore_index=True)
    return combined.sort_values(["_emp", "day"], kind="stable").reset_index(drop=True)


def _time_clock(
    plan: StorePlan,
    tech_days: pd.DataFrame,
    technician_emp: np.ndarray,
    sold: np.ndarray,
    delivered_month: np.ndarray,
    visits: Visits,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Clocked hours. The store's month clocks its sold hours ÷ the planned efficiency; each
    technician gets a share that mixes their own sold hours (30%) and their presence (70%),
    spread over the days they worked (busier store-days get more); a day that needs more than
    the technician's normal availability becomes an overtime day (up to 10.5 h available).
    Mixing keeps the store's efficiency on plan while individual efficiencies vary."""
    cal = plan.calendar
    months = cal.months
    td = tech_days.copy()
    td["month"] = cal.month_of_day(td["day"].to_numpy())
    eff = plan.eff[:, plan.offset :]
    closed = ~visits.cancelled
    valid = closed & (delivered_month >= 0) & (delivered_month < months)
    orders = pd.DataFrame(
        {
            "_emp": technician_emp[valid],
            "month": delivered_month[valid],
            "_store": visits.store[valid],
            "sold": sold[valid],
            "clock": sold[valid] / eff[visits.store[valid], delivered_month[valid]],
        }
    )
    store_clock = orders.groupby(["_store", "month"])["clock"].sum()
    store_sold = orders.groupby(["_store", "month"])["sold"].sum()
    tech_sold = orders.groupby(["_emp", "month"])["sold"].sum()
    emp_month = pd.MultiIndex.from_arrays([td["_emp"].to_numpy(), td["month"].to_numpy()])
    store_month = pd.MultiIndex.from_arrays([td["_store"].to_numpy(), td["month"].to_numpy()])
    available = td["available_hours"].to_numpy()
    avail_tech = td.groupby(["_emp", "month"])["available_hours"].transform("sum").to_numpy()
    avail_store = td.groupby(["_store", "month"])["available_hours"].transform("sum").to_numpy()
    sold_share = tech_sold.reindex(emp_month).fillna(0.0).to_numpy() / np.maximum(
        store_sold.reindex(store_month).fillna(0.0).to_numpy(), 1e-9
    )
    share = 0.3 * sold_share + 0.7 * avail_tech / avail_store
    tech_target = store_clock.reindex(store_month).fillna(0.0).to_numpy() * share
    load = (
        pd.Series(1.0, index=pd.MultiIndex.from_arrays([visits.store, visits.day]))
        .groupby(level=[0, 1])
        .sum()
    )
    day_load = (
        load.reindex(pd.MultiIndex.from_arrays([td["_store"].to_numpy(), td["day"].to_numpy()]))
        .fillna(0.0)
        .to_numpy()
    )
    mean_load = pd.Series(day_load).groupby(td["_store"].to_numpy()).transform("mean").to_numpy()
    weight = available * (0.85 + 0.15 * day_load / np.maximum(mean_load, 1e-9))
    weight *= rng.lognormal(0.0, 0.05, len(td))
    total_weight = (
        pd.Series(weight)
        .groupby([td["_emp"].to_numpy(), td["month"].to_numpy()])
        .transform("sum")
        .to_numpy()
    )
    wanted = tech_target * weight / total_weight
    # Busy days run into overtime (up to 10.5 h present) rather than losing clocked hours.
    overtime = wanted > available
    available = np.where(
        overtime, np.minimum(np.round(wanted * 1.03 * 4) / 4 + 0.25, 10.5), available
    )
    clocked = np.minimum(available, wanted)
    return pd.DataFrame(
        {
            "_emp": td["_emp"].to_numpy(),
            "store_id": plan.stores["store_id"].to_numpy(dtype=object)[td["_store"].to_numpy()],
            "work_date": cal.to_datetime64(td["day"].to_numpy()),
            "available_hours": np.round(available, 2),
            "clocked_hours": np.round(clocked, 2),
        }
    )


# -- work orders -------------------------------------------------------------------------------
def _kept_vehicles(vehicles: Vehicles, visits: Visits, calendar: Calendar) -> np.ndarray:
    """Vehicles in the export: those with a visit in the window or delivered in it."""
    keep = np.zeros(len(vehicles), dtype=bool)
    keep[visits.vehicle] = True
    keep |= (
        (vehicles.selling_store >= 0)
        & (vehicles.delivered >= 0)
        & (vehicles.delivered < calendar.end_day)
    )
    return keep


def _work_orders(
    plan: StorePlan,
    visits: Visits,
    times: OrderTimes,
    vehicle_table: pd.DataFrame,
    vehicle_pos: np.ndarray,
    employees: pd.DataFrame,
    advisor_emp: np.ndarray,
    technician_emp: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The work_orders table in visit order (ids follow day and store), with the internal
    columns: _experience, the data-defined comeback flags, the store index and technician
    level (for the CRM step and the tests)."""
    n = len(visits)
    cal = plan.calendar
    cancelled = visits.cancelled
    store_ids = plan.stores["store_id"].to_numpy(dtype=object)
    emp_ids = employees["employee_id"].to_numpy(dtype=object)
    order_ids = ids("WO", n, 8)
    repairish = (visits.service_type == REPAIR) | (visits.service_type == ACCIDENT)
    # One string object per code (6 systems x 40 codes), shared by all orders that use it.
    codes = np.array(
        [
            [f"{prefix}-{k:03d}" for k in range(FAULT_CODES_PER_SYSTEM + 1)]
            for prefix in FAULT_PREFIX
        ],
        dtype=object,
    )
    fault_code = np.where(
        repairish,
        codes[np.maximum(visits.fault_system, 0), np.clip(visits.fault_number, 0, None)],
        None,
    )
    fault_system = np.where(
        repairish, np.array(FAULT_SYSTEMS, dtype=object)[np.maximum(visits.fault_system, 0)], None
    )
    u = rng.random(n)
    booking = np.where(u < 0.40, "app", np.where(u < 0.63, "phone", "walk_in")).astype(object)
    booking = np.where(visits.is_comeback, np.where(u < 0.5, "phone", "walk_in"), booking)

    def stamp(values: np.ndarray, null: np.ndarray) -> pd.Series:
        result = pd.Series(cal.start.astype("datetime64[s]") + values.astype("timedelta64[s]"))
        result[null] = pd.NaT
        return result.astype("datetime64[s]")

    no_time = np.zeros(n, dtype=bool)
    frame = pd.DataFrame(
        {
            "work_order_id": order_ids,
            "store_id": store_ids[visits.store],
            "vin": vehicle_table["vin"].to_numpy(dtype=object)[vehicle_pos],
            "customer_id": vehicle_table["customer_id"].to_numpy(dtype=object)[vehicle_pos],
            "advisor_id": emp_ids[advisor_emp],
            "technician_id": emp_ids[technician_emp],
            "service_type": np.array(SERVICE_TYPES, dtype=object)[visits.service_type],
            "fault_code": fault_code,
            "fault_system": fault_system,
            "booking_channel": booking,
            "arrived_at": stamp(times.arrived, no_time),
            "reception_started_at": stamp(times.reception_started, no_time),
            "reception_ended_at": stamp(times.reception_ended, no_time),
            "work_started_at": stamp(times.work_started, cancelled),
            "work_completed_at": stamp(times.work_completed, cancelled),
            "promised_at": stamp(times.promised, cancelled),
            "delivered_at": stamp(times.delivered, cancelled),
            "odometer_km": pd.array(visits.odometer, dtype="Int64"),
            "payer": np.array(PAYERS, dtype=object)[visits.payer],
            "is_comeback": False,
            "comeback_of_work_order_id": None,
            "comeback_reason": None,
            "status": np.where(cancelled, "cancelled", "closed").astype(object),
        }
    )
    frame["_experience"] = np.round(visits.experience, 3)
    _data_comebacks(frame)
    _advisor_flags(frame, plan, visits, order_ids, rng)
    frame["_store"] = visits.store
    frame["_level"] = employees["technician_level"].to_numpy()[technician_emp]
    frame["_hard_seller"] = advisor_emp == _hard_seller_emp(employees, plan)
    return frame


def _hard_seller_emp(employees: pd.DataFrame, plan: StorePlan) -> int:
    match = employees[
        (employees["_store"] == plan.hard_seller_store)
        & (employees["_slot"] == 0)
        & (employees["_left_day"] < 0)
    ]
    return int(match.index[0])


def _data_comebacks(frame: pd.DataFrame) -> None:
    """The contract's definition: a closed repair/accident order of the same VIN and fault code
    arriving after, and within 30 days of, an earlier one's delivery."""
    eligible = frame["status"].eq("closed") & frame["service_type"].isin(["repair", "accident"])
    sub = frame.loc[eligible, ["vin", "fault_code", "arrived_at", "delivered_at"]]
    sub = sub.sort_values(["vin", "fault_code", "arrived_at"], kind="stable")
    same = sub["vin"].eq(sub["vin"].shift()) & sub["fault_code"].eq(sub["fault_code"].shift())
    prev_delivered = sub["delivered_at"].shift()
    is_cb = (
        same
        & (sub["arrived_at"] > prev_delivered)
        & (sub["arrived_at"] <= prev_delivered + pd.Timedelta(days=30))
    )
    frame["_is_data_comeback"] = False
    frame["_has_comeback"] = False
    frame.loc[is_cb.index[is_cb.to_numpy()], "_is_data_comeback"] = True
    originals = sub.index.to_numpy()[np.flatnonzero(is_cb.to_numpy()) - 1]
    frame.loc[originals, "_has_comeback"] = True
    frame["_data_comeback_of"] = None
    frame.loc[is_cb.index[is_cb.to_numpy()], "_data_comeback_of"] = frame.loc[
        originals, "work_order_id"
    ].to_numpy()


def _advisor_flags(
    frame: pd.DataFrame,
    plan: StorePlan,
    visits: Visits,
    order_ids: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Advisors flag most data-defined comebacks (with the original and a reason); the
    gaming store flags only ~60%."""
    is_cb = frame["_is_data_comeback"].to_numpy()
    rate = np.where(visits.store == plan.gaming_store, GAMING_FLAG_RATE, FLAG_RATE)
    flagged = is_cb & (rng.random(len(frame)) < rate)
    reason = np.where(
        visits.comeback_reason >= 0, visits.comeback_reason, rng.integers(0, 4, len(frame))
    )
    frame["is_comeback"] = flagged
    frame["comeback_of_work_order_id"] = np.where(flagged, frame["_data_comeback_of"], None)
    frame["comeback_reason"] = np.where(flagged, np.array(REASONS, dtype=object)[reason], None)


def _lines_table(lines: pd.DataFrame, work_orders: pd.DataFrame) -> pd.DataFrame:
    """Add the identifiers in place (no copy of the tens of millions of lines at full scale)."""
    order = lines["_order"].to_numpy()
    lines.insert(0, "line_id", ids("WL", len(lines), 9))
    lines.insert(1, "work_order_id", work_orders["work_order_id"].to_numpy()[order])
    lines["_order"] = lines.pop("_order")
    return lines


# -- store months and manifest -----------------------------------------------------------------
def _store_months(
    plan: StorePlan, times: OrderTimes, work_orders: pd.DataFrame, lines: pd.DataFrame
) -> pd.DataFrame:
    """One row per store and window month: the plan the ledger and the CRM read."""
    cal = plan.calendar
    n_stores, months = len(plan.stores), cal.months
    delivered_day = times.delivered // DAY
    month = cal.month_of_day(delivered_day)
    revenue = np.zeros((n_stores, months))
    order_store = work_orders["_store"].to_numpy()
    line_order = lines["_order"].to_numpy()
    closed = work_orders["status"].to_numpy() == "closed"
    line_month = month[line_order]
    valid = closed[line_order] & (line_month >= 0) & (line_month < months)
    np.add.at(
        revenue,
        (order_store[line_order][valid], line_month[valid]),
        lines["net_amount"].to_numpy()[valid],
    )
    month_first = cal.month_start_day(np.arange(months))
    open_day = plan.stores["_open_day"].to_numpy()
    is_open = (month_first[None, :] + cal.days_in_month(np.arange(months))[None, :]) > open_day[
        :, None
    ]
    normal = _normal_revenue(plan, revenue, is_open) * _open_fraction(plan)
    # Salaries are partly piece-rate: a quiet month costs less, a boom does not cost more.
    fixed_base = FIXED_COST_SHARE * (0.5 * normal + 0.5 * np.minimum(revenue, normal))
    rows = {
        "store_id": np.repeat(plan.stores["store_id"].to_numpy(dtype=object), months),
        "period_month": np.tile(cal.to_datetime64(month_first), n_stores),
        "is_open": is_open.ravel(),
        "planned_bay_utilization": np.round(times.achieved_util.ravel(), 4),
        "planned_technician_efficiency": np.round(plan.eff[:, plan.offset :].ravel(), 4),
        "discount_rate": np.round(plan.discount[:, plan.offset :].ravel(), 4),
        "variable_cost_factor": plan.variable_cost_factor[:, plan.offset :].ravel(),
        "fixed_cost_factor": plan.fixed_cost_factor[:, plan.offset :].ravel(),
        "marketing_factor": plan.marketing_factor[:, plan.offset :].ravel(),
        "episode": plan.episode.ravel(),
        "episode_phase": plan.phase.ravel(),
        "fixed_cost_base": np.round(fixed_base, 2).ravel(),
        "marketing_base": np.round(MARKETING_SHARE * normal, 2).ravel(),
    }
    frame = pd.DataFrame(rows)
    frame["period_month"] = frame["period_month"].astype("datetime64[s]")
    return frame


def _open_fraction(plan: StorePlan) -> np.ndarray:
    """Share of each month's days the store is open (fixed costs start with the opening)."""
    cal = plan.calendar
    months = np.arange(cal.months)
    first = cal.month_start_day(months)[None, :]
    days = cal.days_in_month(months)[None, :]
    open_day = plan.stores["_open_day"].to_numpy()[:, None]
    return np.clip((first + days - np.maximum(first, open_day)) / days, 0.0, 1.0)


def _normal_revenue(plan: StorePlan, revenue: np.ndarray, is_open: np.ndarray) -> np.ndarray:
    """A store's normal monthly revenue around each month: median over non-episode open months
    within ±6 months (the nearest such months when there are none), 0 while closed."""
    n_stores, months = revenue.shape
    reference = is_open & (plan.episode == None)  # noqa: E711 - object array comparison
    # The month a store opens is partial; do not let it set the level.
    open_month = plan.calendar.month_of_day(plan.stores["_open_day"].to_numpy())
    for store in range(n_stores):
        if 0 <= open_month[store] < months:
            reference[store, open_month[store]] = False
    normal = np.zeros_like(revenue)
    for store in range(n_stores):
        good = np.flatnonzero(reference[store])
        for month in range(months):
            if not is_open[store, month] or len(good) == 0:
                continue
            near = good[np.abs(good - month) <= 6]
            if len(near) == 0:
                near = good[np.argsort(np.abs(good - month))[:3]]
            normal[store, month] = np.median(revenue[store, near])
    return normal


def _manifest(
    config: GeneratorConfig,
    plan: StorePlan,
    employees: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
) -> dict:
    """What was planted where (JSON-serialisable, deterministic)."""
    cal = plan.calendar
    stores = []
    for store, spec in plan.stores.iterrows():
        age_months = -int(spec["_open_day"]) / 30.44
        tier = "new" if age_months < 6 else ("growth" if age_months <= 18 else "mature")
        stores.append(
            {
                "store_id": spec["store_id"],
                "opened_on": str(cal.start + int(spec["_open_day"])),
                "tier_at_start": tier if spec["_open_day"] < 0 else "not_open",
                "role": store_role(plan, store),
            }
        )
    hard_emp = _hard_seller_emp(employees, plan)
    gaming_id = plan.stores.at[plan.gaming_store, "store_id"]
    return {
        "generator": {
            "stores": config.stores,
            "months": config.months,
            "start": config.start.isoformat(),
            "seed": config.seed,
        },
        "window": {"start": str(cal.start), "end": str(cal.start + cal.end_day - 1)},
        "stores": stores,
        "episodes": plan.episodes,
        "skipped_episodes": plan.skipped_patterns,
        "planted": {
            "hard_selling_advisor": {
                "employee_id": employees.at[hard_emp, "employee_id"],
                "store_id": plan.stores.at[plan.hard_seller_store, "store_id"],
                "story": "Recommends about three times as many extra items as colleagues and "
                "gets ~86% accepted: the highest average ticket of the store, but "
                "customers feel pushed and return less (lower retention).",
            },
            "comeback_flag_gaming_store": {
                "store_id": gaming_id,
                "flag_rate": GAMING_FLAG_RATE,
                "normal_flag_rate": FLAG_RATE,
                "story": "Advisors flag only ~60% of the comebacks the data define, so the "
                "flag-based comeback rate looks better than it is.",
            },
        },
        "ledger": {
            "commission_share": COMMISSION_SHARE,
            "consumables_share": CONSUMABLES_SHARE,
            "fixed_cost_share": FIXED_COST_SHARE,
            "marketing_share": MARKETING_SHARE,
            "fixed_split": FIXED_SPLIT,
            "inventory_months_of_parts_cost": INVENTORY_MONTHS_OF_PARTS_COST,
        },
        "row_counts": {name: len(frame) for name, frame in tables.items()},
    }
