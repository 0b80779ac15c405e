"""Tests of the DMS simulation (scripts/datagen/dms.py and its dms_* modules).

One simulated network (6 stores x 24 months) is shared by the module. The metrics are computed
from the public columns with the METRICS.md formulas (tests/python/dms_metrics.py), so these tests
check what the warehouse will see: the contract, the realism bands, the planted episodes and the
causal chain.
"""

from __future__ import annotations

import itertools
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from datagen.config import GeneratorConfig
from datagen.dms import DmsWorld, simulate_dms
from datagen.experience import nps_from_scores, nps_scores_from_experience
from datagen.schema import ACCEPTED_VALUES, DMS_SIMULATED_TABLES, TABLES_BY_NAME
from dms_metrics import data_comebacks, diagnose, store_month_metrics

CONFIG = GeneratorConfig(stores=6, months=24, start=date(2024, 1, 1), seed=42)
PANDAS_DTYPES = {
    "varchar": "object",
    "integer": "Int64",
    "decimal": "float64",
    "date": "datetime64[s]",
    "timestamp": "datetime64[s]",
}


def _simulate(config: GeneratorConfig) -> DmsWorld:
    return simulate_dms(config, np.random.default_rng(config.seed))


@pytest.fixture(scope="module")
def world() -> DmsWorld:
    return _simulate(CONFIG)


@pytest.fixture(scope="module")
def metrics(world: DmsWorld) -> pd.DataFrame:
    frame = store_month_metrics(world.tables, world.store_months)
    frame["patterns"] = diagnose(frame)
    return frame.merge(_month_roles(world), on=["store_id", "period_month"], how="left")


def _month_roles(world: DmsWorld) -> pd.DataFrame:
    """Per store-month: 'healthy' (mature store, no episode this month or in the two before),
    the episode phase, or 'other' (young store, just after an episode)."""
    sm = world.store_months.sort_values(["store_id", "period_month"]).copy()
    opened = sm["store_id"].map(world.tables["stores"].set_index("store_id")["opened_on"])
    age_months = (sm["period_month"] - opened).dt.days / 30.44
    recent = (
        sm.groupby("store_id")["episode"].transform(
            lambda s: s.notna().astype(int).rolling(3, min_periods=1).max()
        )
        > 0
    )
    role = np.where(sm["episode"].notna(), "episode:" + sm["episode_phase"].astype(str), "other")
    role = np.where(
        sm["episode"].isna() & ~recent & (age_months > 18) & sm["is_open"], "healthy", role
    )
    return sm[["store_id", "period_month"]].assign(month_role=role)


def _closed(world: DmsWorld) -> pd.DataFrame:
    orders = world.tables["work_orders"]
    return orders[orders["status"] == "closed"]


# -- determinism and contract ------------------------------------------------------------------
def test_same_seed_gives_identical_output(world: DmsWorld) -> None:
    again = _simulate(CONFIG)
    for name in DMS_SIMULATED_TABLES:
        pd.testing.assert_frame_equal(world.tables[name], again.tables[name], check_exact=True)
    pd.testing.assert_frame_equal(world.store_months, again.store_months, check_exact=True)
    assert json.dumps(world.manifest, sort_keys=True) == json.dumps(again.manifest, sort_keys=True)


def test_different_seed_gives_different_output(world: DmsWorld) -> None:
    other = _simulate(GeneratorConfig(stores=6, months=24, start=date(2024, 1, 1), seed=43))
    assert (
        not world.tables["work_orders"]["vin"]
        .head(200)
        .equals(other.tables["work_orders"]["vin"].head(200))
    )
    assert len(world.tables["work_order_lines"]) != len(other.tables["work_order_lines"])


def test_columns_and_dtypes_match_the_contract(world: DmsWorld) -> None:
    assert set(world.tables) == set(DMS_SIMULATED_TABLES)
    for name, frame in world.tables.items():
        table = TABLES_BY_NAME[name]
        public = [column for column in frame.columns if not column.startswith("_")]
        assert public == table.column_names, name
        for column in table.columns:
            dtype = str(frame[column.name].dtype)
            if column.type == "boolean":
                assert dtype in ("bool", "boolean"), (name, column.name, dtype)
            else:
                assert dtype == PANDAS_DTYPES[column.type], (name, column.name, dtype)
            if not column.nullable:
                assert frame[column.name].notna().all() or (
                    name == "work_orders" and column.name.endswith("_at")
                ), (name, column.name)


def test_codes_are_accepted_values(world: DmsWorld) -> None:
    for (name, column), allowed in ACCEPTED_VALUES.items():
        if name in world.tables:
            values = world.tables[name][column].dropna()
            assert values.isin(allowed).all(), (name, column, set(values) - set(allowed))


def test_keys_are_unique(world: DmsWorld) -> None:
    for name in DMS_SIMULATED_TABLES:
        key = list(TABLES_BY_NAME[name].key)
        assert not world.tables[name].duplicated(key).any(), name


def test_every_foreign_key_resolves(world: DmsWorld) -> None:
    t = world.tables
    stores, employees = set(t["stores"]["store_id"]), t["employees"].set_index("employee_id")
    customers, vins = set(t["customers"]["customer_id"]), set(t["vehicles"]["vin"])
    orders = t["work_orders"]
    assert set(employees["store_id"]) <= stores
    assert set(t["vehicles"]["customer_id"]) <= customers
    assert set(t["vehicles"]["selling_store_id"].dropna()) <= stores
    assert set(t["customers"]["referred_by_customer_id"].dropna()) <= customers
    assert set(orders["store_id"]) <= stores and set(orders["vin"]) <= vins
    owner = t["vehicles"].set_index("vin")["customer_id"]
    assert (orders["vin"].map(owner) == orders["customer_id"]).all()
    for column, role in (("advisor_id", "service_advisor"), ("technician_id", "technician")):
        person = employees.reindex(orders[column])
        assert (person["role"].to_numpy() == role).all(), column
        assert (person["store_id"].to_numpy() == orders["store_id"].to_numpy()).all(), column
    assert set(orders["comeback_of_work_order_id"].dropna()) <= set(orders["work_order_id"])
    assert set(t["work_order_lines"]["work_order_id"]) <= set(orders["work_order_id"])
    clock = t["technician_time"]
    assert (employees.reindex(clock["employee_id"])["role"] == "technician").all()
    assert (
        employees.reindex(clock["employee_id"])["store_id"].to_numpy()
        == clock["store_id"].to_numpy()
    ).all()


def test_timestamps_are_ordered_and_inside_the_window(world: DmsWorld) -> None:
    orders = world.tables["work_orders"]
    closed = orders[orders["status"] == "closed"]
    chain = [
        "arrived_at",
        "reception_started_at",
        "reception_ended_at",
        "work_started_at",
        "work_completed_at",
        "delivered_at",
    ]
    for earlier, later in itertools.pairwise(chain):
        assert (closed[earlier] <= closed[later]).all(), (earlier, later)
    assert (closed["promised_at"] >= closed["arrived_at"]).all()
    cancelled = orders[orders["status"] == "cancelled"]
    assert cancelled[["work_started_at", "delivered_at", "promised_at"]].isna().all().all()
    assert (orders["arrived_at"] >= pd.Timestamp(CONFIG.start)).all()
    assert (closed["delivered_at"] < pd.Timestamp("2026-01-01")).all()
    wait = (closed["reception_started_at"] - closed["arrived_at"]).dt.total_seconds() / 60
    assert 5 <= wait.median() <= 12
    on_time = (closed["delivered_at"] <= closed["promised_at"]).mean()
    assert 0.90 <= on_time <= 0.97


def test_no_activity_before_a_store_opens_or_outside_employment(world: DmsWorld) -> None:
    t = world.tables
    opened = t["stores"].set_index("store_id")["opened_on"]
    orders = t["work_orders"]
    assert (orders["arrived_at"] >= orders["store_id"].map(opened)).all()
    clock = t["technician_time"]
    assert (clock["work_date"] >= clock["store_id"].map(opened)).all()
    employees = t["employees"].set_index("employee_id")
    day = orders["arrived_at"].dt.normalize()
    for column in ("advisor_id", "technician_id"):
        hired = orders[column].map(employees["hired_on"])
        left = orders[column].map(employees["left_on"])
        assert ((hired <= day) & (left.isna() | (left > day))).all(), column
    assert (clock["work_date"] >= clock["employee_id"].map(employees["hired_on"])).all()
    left = clock["employee_id"].map(employees["left_on"])
    assert (left.isna() | (clock["work_date"] < left)).all()
    # The new store has its first order on or after opening and none in the months before.
    new_store = next(s for s in world.manifest["stores"] if s["role"] == "new")
    first = orders.loc[orders["store_id"] == new_store["store_id"], "arrived_at"].min()
    assert first >= pd.Timestamp(new_store["opened_on"])


def test_all_three_maturity_tiers_occur(world: DmsWorld) -> None:
    tiers = {store["tier_at_start"] for store in world.manifest["stores"]}
    assert {"mature", "growth"} <= tiers
    opened = world.tables["stores"]["opened_on"]
    assert ((opened > pd.Timestamp(CONFIG.start)) & (opened < pd.Timestamp("2026-01-01"))).any()


# -- volume, mix, lines ------------------------------------------------------------------------
def test_mature_store_volume_and_weekly_pattern(world: DmsWorld, metrics: pd.DataFrame) -> None:
    healthy = metrics[metrics["month_role"] == "healthy"]
    per_store = healthy.groupby("store_id")["orders_per_day"].mean()
    assert per_store.between(13, 27).all(), per_store
    assert 15 <= per_store.mean() <= 25
    closed = _closed(world)
    weekday = closed["arrived_at"].dt.dayofweek.value_counts(normalize=True).sort_index() * 7
    assert weekday[[5, 6]].min() > 1.1 * weekday[[1, 2, 3]].max()
    assert weekday[0] > weekday[[1, 2, 3]].mean()
    new_store = next(s["store_id"] for s in world.manifest["stores"] if s["role"] == "new")
    first_months = metrics[metrics["store_id"] == new_store].sort_values("period_month").head(3)
    assert (first_months["orders_per_day"] < 14).all()


def test_order_mix_payers_channels_and_cancellations(world: DmsWorld) -> None:
    orders = world.tables["work_orders"]
    closed = _closed(world)
    mix = closed["service_type"].value_counts(normalize=True)
    assert 0.48 <= mix["maintenance"] <= 0.60
    assert 0.24 <= mix["repair"] <= 0.33
    assert 0.07 <= mix["accident"] <= 0.13
    assert 0.04 <= mix["accessory"] <= 0.10
    assert 0.005 <= (orders["status"] == "cancelled").mean() <= 0.025
    appointment = closed["booking_channel"].isin(["app", "phone"]).mean()
    assert 0.55 <= appointment <= 0.70
    payer = closed.groupby("service_type")["payer"].value_counts(normalize=True)
    assert payer["accident"]["insurance"] > 0.6
    assert payer["maintenance"]["customer"] > 0.6
    comebacks = closed[closed["_is_data_comeback"]]
    assert (comebacks["payer"] == "internal").mean() > 0.8
    repair = closed["service_type"].isin(["repair", "accident"])
    assert closed.loc[repair, "fault_code"].notna().all()
    assert closed.loc[~repair, ["fault_code", "fault_system"]].isna().all().all()
    prefix = {
        "electrical": "ELE",
        "engine": "ENG",
        "chassis": "CHS",
        "body": "BOD",
        "hvac": "HVC",
        "other": "OTH",
    }
    faults = closed[repair]
    assert (faults["fault_code"].str[:3] == faults["fault_system"].map(prefix)).all()
    assert faults["fault_code"].str.fullmatch(r"[A-Z]{3}-\d{3}").all()


def test_lines_are_consistent(world: DmsWorld) -> None:
    lines = world.tables["work_order_lines"]
    orders = world.tables["work_orders"].set_index("work_order_id")
    counts = lines.groupby("work_order_id").size()
    closed_ids = orders.index[orders["status"] == "closed"]
    assert counts.reindex(closed_ids).between(2, 8).all()
    assert not lines["work_order_id"].isin(orders.index[orders["status"] == "cancelled"]).any()
    assert (lines["quantity"] > 0).all()
    accepted = lines["accepted"]
    diff = lines["list_amount"] - lines["discount_amount"] - lines["net_amount"]
    assert (diff[accepted].abs() < 0.005).all()
    assert (lines.loc[~accepted, "net_amount"] == 0).all()
    assert lines.loc[~accepted, "recommended_by_advisor"].all()
    assert (lines[["list_amount", "discount_amount", "net_amount", "cost_amount"]] >= 0).all().all()
    is_part = lines["line_type"] == "part"
    assert lines.loc[is_part, "part_in_stock"].notna().all()
    assert lines.loc[~is_part, "part_in_stock"].isna().all()
    assert (lines.loc[lines["line_type"] != "labor", "sold_hours"] == 0).all()
    assert (lines.loc[lines["line_type"] == "labor", "sold_hours"] > 0).all()
    assert 0.96 <= lines.loc[is_part, "part_in_stock"].astype(bool).mean() <= 0.995
    assert lines["supplier_id"].dropna().str.fullmatch(r"SUP(0[1-9]|1[0-2])").all()
    service = lines["work_order_id"].map(orders["service_type"])
    extra = lines["line_type"].isin(["accessory", "value_added"]) | (service == "accessory")
    expected = np.where(
        extra, "accessory_value_added", np.where(service == "maintenance", "maintenance", "repair")
    )
    assert (lines["revenue_category"].to_numpy() == expected).all()
    internal = lines["work_order_id"].map(orders["payer"]) == "internal"
    assert (lines.loc[internal, "net_amount"] == 0).all()
    assert lines.loc[internal, "cost_amount"].sum() > 0
    recommended = lines[lines["recommended_by_advisor"]]
    assert 0.60 <= recommended["accepted"].mean() <= 0.78


def test_prices_revenue_mix_and_margins(metrics: pd.DataFrame, world: DmsWorld) -> None:
    healthy = metrics[metrics["month_role"] == "healthy"]
    total = healthy[
        [
            "revenue",
            "cost",
            "entries",
            "rev_repair",
            "rev_maintenance",
            "rev_accessory_value_added",
            "sold_hours",
        ]
    ].sum()
    assert 2500 <= total["revenue"] / total["entries"] <= 4000
    assert 0.60 <= total["rev_repair"] / total["revenue"] <= 0.70
    assert 0.20 <= total["rev_maintenance"] / total["revenue"] <= 0.30
    assert 0.05 <= total["rev_accessory_value_added"] / total["revenue"] <= 0.10
    assert 0.38 <= 1 - total["cost"] / total["revenue"] <= 0.46
    assert healthy["atv"].between(2200, 4200).all()
    lines = world.tables["work_order_lines"]
    by_type = lines.groupby("line_type")[["net_amount", "cost_amount"]].sum()
    margin = 1 - by_type["cost_amount"] / by_type["net_amount"]
    assert 0.28 <= margin["part"] <= 0.40
    assert 0.55 <= margin["labor"] <= 0.75
    assert 0.45 <= margin["accessory"] <= 0.70
    closed = _closed(world)
    ticket = (
        lines.groupby("work_order_id")["net_amount"]
        .sum()
        .reindex(closed["work_order_id"])
        .to_numpy()
    )
    by_type_ticket = pd.Series(ticket, index=closed["service_type"].to_numpy()).groupby(level=0)
    median = by_type_ticket.median()
    assert 700 <= median["maintenance"] <= 1600
    assert 1800 <= median["repair"] <= 8000
    assert 4000 <= median["accident"] <= 20000


def test_identifiers_look_real(world: DmsWorld) -> None:
    vins = world.tables["vehicles"]["vin"]
    assert vins.str.len().eq(17).all() and vins.is_unique
    assert vins.str.fullmatch(r"LSV[0-9A-HJ-NPR-Z]{14}").all()
    assert world.tables["stores"]["store_id"].str.fullmatch(r"S\d{3}").all()
    assert world.tables["employees"]["employee_id"].str.fullmatch(r"E\d{4,}").all()
    stores = world.tables["stores"]
    assert stores["service_bays"].between(6, 14).all()
    assert stores["daily_open_hours"].between(9, 11).all()
    assert stores["region"].nunique() >= 3 and stores["city"].nunique() >= 3


# -- people and customers ----------------------------------------------------------------------
def test_staffing_levels_and_attrition(world: DmsWorld) -> None:
    employees = world.tables["employees"]
    technicians = employees[employees["role"] == "technician"]
    levels = technicians["technician_level"].value_counts(normalize=True)
    assert 0.3 <= levels[1] <= 0.5 and 0.3 <= levels[2] <= 0.5 and 0.12 <= levels[3] <= 0.3
    advisors = employees[employees["role"] == "service_advisor"]
    active = advisors[advisors["left_on"].isna()].groupby("store_id").size()
    assert active.between(3, 6).all()
    over = next(e for e in world.manifest["episodes"] if e["pattern"] == "over_efficiency")
    core = pd.to_datetime(over["months"]["core"] + over["months"]["recovery"][:1])
    window_end = core.max() + pd.offsets.MonthEnd(1)
    leavers = technicians[technicians["left_on"].between(core.min(), window_end)]
    in_store = (leavers["store_id"] == over["store_id"]).sum()
    assert in_store >= 2
    assert in_store > 2 * leavers["store_id"].ne(over["store_id"]).sum() / 5


def test_time_clock_rows(world: DmsWorld, metrics: pd.DataFrame) -> None:
    clock = world.tables["technician_time"]
    assert (clock["clocked_hours"] <= clock["available_hours"]).all()
    assert clock["available_hours"].between(7.5, 8.5).mean() > 0.9
    assert clock["available_hours"].between(7.5, 10.5).all()
    technicians = world.tables["employees"].query("role == 'technician'")
    days = clock.groupby("employee_id").size()
    weeks = clock.groupby("employee_id")["work_date"].agg(lambda s: (s.max() - s.min()).days / 7)
    busy = (days / weeks)[weeks > 20]
    assert busy.between(4.5, 6.0).mean() > 0.9
    assert set(clock["employee_id"]) <= set(technicians["employee_id"])
    healthy = metrics[metrics["month_role"] == "healthy"]
    assert 0.78 <= healthy["labor_utilization"].mean() <= 0.92


def test_customer_lifecycle_and_retention(world: DmsWorld) -> None:
    closed = _closed(world)
    vehicles = world.tables["vehicles"]
    sold = vehicles[
        vehicles["selling_store_id"].notna()
        & vehicles["delivered_on"].between("2024-01-01", "2025-02-28")
    ]
    first = closed[closed["service_type"] == "maintenance"].groupby("vin")["arrived_at"].min()
    arrival = sold["vin"].map(first)
    within = (arrival <= sold["delivered_on"] + pd.DateOffset(months=9)).mean()
    assert 0.80 <= within <= 0.95
    months_to_first = ((arrival - sold["delivered_on"]).dt.days / 30.44).median()
    assert 4.0 <= months_to_first <= 7.0
    assert 0.85 <= sold["aftersales_intro_done"].mean() <= 0.96
    last_year = closed[closed["delivered_at"] >= "2025-01-01"]
    visits = last_year.groupby(["store_id", "customer_id"]).size()
    retention = visits.ge(2).groupby(level=0).mean()
    mature = [s["store_id"] for s in world.manifest["stores"] if s["tier_at_start"] == "mature"]
    assert retention[mature].between(0.55, 0.75).all(), retention
    channels = world.tables["customers"]["acquisition_channel"].value_counts(normalize=True)
    assert set(channels.index) == set(ACCEPTED_VALUES[("customers", "acquisition_channel")])
    customers = world.tables["customers"].set_index("customer_id")
    referred = customers[customers["referred_by_customer_id"].notna()]
    referrer_created = referred["referred_by_customer_id"].map(customers["created_on"])
    assert (referrer_created < referred["created_on"]).all()
    odometer = closed.groupby(
        closed["vin"].map(vehicles.set_index("vin")["delivered_on"]).lt("2021-01-01")
    )["odometer_km"].mean()
    assert odometer[True] > 2 * odometer[False]


def test_planted_hard_selling_advisor(world: DmsWorld) -> None:
    planted = world.manifest["planted"]["hard_selling_advisor"]
    closed = _closed(world)
    store = closed[closed["store_id"] == planted["store_id"]]
    revenue = world.tables["work_order_lines"].groupby("work_order_id")["net_amount"].sum()
    ticket = store["work_order_id"].map(revenue).groupby(store["advisor_id"]).mean()
    busy = store["advisor_id"].value_counts()
    ticket = ticket[busy[busy > 500].index]
    assert ticket.idxmax() == planted["employee_id"]
    # Share of the advisor's first-year visits followed by another visit of the same vehicle
    # at the store within twelve months.
    ordered = store.sort_values("arrived_at")
    following = ordered.groupby("vin")["arrived_at"].shift(-1)
    first_year = ordered["arrived_at"] < "2025-01-01"
    back = following <= ordered["arrived_at"] + pd.DateOffset(months=12)
    returned = back[first_year].groupby(ordered.loc[first_year, "advisor_id"]).mean()
    returned = returned.reindex(busy[busy > 500].index).dropna()
    assert returned.idxmin() == planted["employee_id"]


def test_planted_comeback_flag_gaming(world: DmsWorld) -> None:
    gaming = world.manifest["planted"]["comeback_flag_gaming_store"]["store_id"]
    repair = data_comebacks(world.tables["work_orders"])
    comebacks = repair[repair["is_cb"]]
    accuracy = comebacks.groupby("store_id")["is_comeback"].mean()
    assert 0.45 <= accuracy[gaming] <= 0.72
    assert (accuracy.drop(gaming) >= 0.88).all()
    flagged = repair[repair["is_comeback"]]
    assert flagged["is_cb"].all()
    assert flagged["comeback_reason"].notna().all()


# -- internal columns --------------------------------------------------------------------------
def test_internal_comeback_columns_match_the_data_definition(world: DmsWorld) -> None:
    orders = world.tables["work_orders"].set_index("work_order_id")
    repair = data_comebacks(world.tables["work_orders"]).set_index("work_order_id")
    assert (orders.loc[repair.index, "_is_data_comeback"] == repair["is_cb"]).all()
    assert (orders.loc[repair.index, "_has_comeback"] == repair["has_cb"]).all()
    others = orders.index.difference(repair.index)
    assert not orders.loc[others, ["_is_data_comeback", "_has_comeback"]].any().any()
    assert orders["_experience"].between(0, 10).all()


def test_experience_maps_to_nps_scores() -> None:
    rng = np.random.default_rng(1)
    scores = nps_scores_from_experience(np.clip(rng.normal(8.9, 0.9, 20_000), 0, 10), rng)
    assert scores.dtype.kind == "i" and scores.min() >= 0 and scores.max() <= 10
    assert 45 <= nps_from_scores(scores) <= 62
    low = nps_scores_from_experience(np.full(20_000, 7.6), rng)
    assert nps_from_scores(low) < 20
    assert nps_scores_from_experience(np.array([10.0, 0.0]), rng).tolist()[1] <= 3


# -- the metrics: healthy bands, episodes, causal chain ----------------------------------------
def test_healthy_store_months_are_in_their_bands(metrics: pd.DataFrame) -> None:
    healthy = metrics[metrics["month_role"] == "healthy"]
    assert len(healthy) >= 40
    assert healthy["bay_utilization"].between(0.60, 0.72).all()
    assert healthy["technician_efficiency"].between(1.10, 1.27).all()
    assert healthy["technician_efficiency"].between(1.10, 1.25).mean() > 0.9
    assert (healthy["ftfr"] >= 0.92).all()
    assert (healthy["comeback_rate"] <= 0.07).all()
    assert (healthy["comeback_rate"] <= 0.05).mean() > 0.9
    assert healthy["nps"].between(36, 72).all()
    assert 45 <= healthy["nps"].mean() <= 60
    assert healthy["gross_margin"].between(0.38, 0.47).all()
    assert healthy["net_margin"].between(0.05, 0.22).all()


def test_each_episode_fires_exactly_its_patterns_in_core_months(
    world: DmsWorld, metrics: pd.DataFrame
) -> None:
    episodes = world.manifest["episodes"]
    assert {e["pattern"] for e in episodes} == {
        "over_efficiency",
        "blind_scale",
        "quality_out_of_control",
        "poor_experience",
        "cost_out_of_control",
    }
    indexed = metrics.set_index(["store_id", "period_month"])
    new_stores = {s["store_id"] for s in world.manifest["stores"] if s["role"] == "new"}
    for episode in episodes:
        assert episode["store_id"] not in new_stores
        assert episode["months"]["core"]
        for month in episode["months"]["core"]:
            row = indexed.loc[(episode["store_id"], pd.Timestamp(month))]
            assert sorted(row["patterns"]) == sorted(episode["expected_patterns_in_core_months"]), (
                episode["pattern"],
                month,
                row["patterns"],
            )


def test_episode_core_months_cross_thresholds_with_a_margin(
    world: DmsWorld, metrics: pd.DataFrame
) -> None:
    indexed = metrics.set_index(["store_id", "period_month"])

    def core(pattern: str) -> pd.DataFrame:
        rows = [
            (e["store_id"], pd.Timestamp(m))
            for e in world.manifest["episodes"]
            if e["pattern"] == pattern
            for m in e["months"]["core"]
        ]
        return indexed.loc[rows]

    over = core("over_efficiency")
    assert (over["bay_utilization"] > 0.82).all() and (over["technician_efficiency"] > 1.34).all()
    assert (over["ftfr"] < 0.83).all() and (over["comeback_rate"] > 0.12).all()
    quality = core("quality_out_of_control")
    assert (quality["ftfr"] < 0.83).all() and (quality["comeback_rate"] > 0.12).all()
    assert (quality["nps"] < 27).all()
    assert (quality["bay_utilization"] < 0.73).all() and (
        quality["technician_efficiency"] < 1.28
    ).all()
    poor = core("poor_experience")
    assert (poor["ftfr"] > 0.92).all() and (poor["nps"] < 28).all()
    blind = core("blind_scale")
    assert (blind["revenue_yoy_growth"] > 0.15).all() and (blind["gross_margin"] < 0.30).all()
    assert (blind["net_margin"] < 0.03).all() and (blind["nps"] > 40).all()
    cost = core("cost_out_of_control")
    assert (cost["gross_margin"] > 0.40).all() and (cost["net_margin"] < 0.045).all()


def test_no_pattern_fires_in_healthy_store_months(metrics: pd.DataFrame) -> None:
    healthy = metrics[metrics["month_role"] == "healthy"]
    fired = healthy[healthy["patterns"].str.len() > 0]
    assert fired.empty, fired[["store_id", "period_month", "patterns"]]


def test_causal_chain_overload_to_quality_to_satisfaction(
    world: DmsWorld, metrics: pd.DataFrame
) -> None:
    opened = metrics[metrics["entries"] > 100]
    overloaded = opened["bay_utilization"] > 0.75
    assert overloaded.sum() >= 2
    assert opened.loc[overloaded, "ftfr"].mean() < opened.loc[~overloaded, "ftfr"].mean() - 0.05
    rushed = opened["technician_efficiency"] > 1.30
    assert (
        opened.loc[rushed, "comeback_rate"].mean() > 2 * opened.loc[~rushed, "comeback_rate"].mean()
    )
    assert np.corrcoef(opened["ftfr"], opened["nps"])[0, 1] > 0.4
    closed = _closed(world)
    assert closed.loc[closed["_is_data_comeback"], "_experience"].mean() < (
        closed.loc[~closed["_is_data_comeback"], "_experience"].mean() - 1.5
    )
    # Junior technicians' originals come back more often than seniors'.
    repair = data_comebacks(world.tables["work_orders"])
    originals = repair[~repair["is_cb"]]
    by_level = originals.groupby(
        originals["technician_id"].map(
            world.tables["employees"].set_index("employee_id")["technician_level"]
        )
    )["has_cb"].mean()
    assert by_level[1] > by_level[3]
    # Rework costs the store: internal orders' cost rises with the comeback rate.
    assert np.corrcoef(opened["comeback_rate"], opened["rework"] / opened["revenue"])[0, 1] > 0.7


def test_experience_drives_return_visits(world: DmsWorld) -> None:
    closed = _closed(world).sort_values("arrived_at")
    first_year = closed[closed["arrived_at"] < "2025-01-01"]
    nxt = closed.groupby("vin")["arrived_at"].shift(-1).reindex(first_year.index)
    returned = nxt.notna() & (nxt <= first_year["arrived_at"] + pd.DateOffset(months=12))
    bad = first_year["_experience"] < 6.5
    assert returned[bad].mean() < returned[~bad].mean() - 0.08


# -- store months and manifest -----------------------------------------------------------------
def test_store_months_plan(world: DmsWorld) -> None:
    sm = world.store_months
    assert len(sm) == CONFIG.stores * CONFIG.months
    assert not sm.duplicated(["store_id", "period_month"]).any()
    expected = [
        "store_id",
        "period_month",
        "is_open",
        "planned_bay_utilization",
        "planned_technician_efficiency",
        "discount_rate",
        "variable_cost_factor",
        "fixed_cost_factor",
        "marketing_factor",
        "episode",
        "episode_phase",
    ]
    assert list(sm.columns[: len(expected)]) == expected
    assert str(sm["period_month"].dtype) == "datetime64[s]"
    assert (sm["period_month"].dt.day == 1).all()
    assert set(sm["episode_phase"].dropna()) <= {"ramp", "core", "recovery"}
    assert sm["episode"].notna().eq(sm["episode_phase"].notna()).all()
    healthy = sm[sm["episode"].isna()]
    assert (healthy[["variable_cost_factor", "fixed_cost_factor"]] == 1.0).all().all()
    cost = sm[(sm["episode"] == "cost_out_of_control") & (sm["episode_phase"] == "core")]
    assert (cost["fixed_cost_factor"] > 1.2).all() and (cost["variable_cost_factor"] > 1.2).all()
    closed_months = sm[~sm["is_open"]]
    orders = _closed(world)
    active = set(
        zip(
            orders["store_id"],
            orders["delivered_at"].dt.to_period("M").dt.start_time,
            strict=True,
        )
    )
    assert not any((row.store_id, row.period_month) in active for row in closed_months.itertuples())


def test_manifest_is_complete_and_serialisable(world: DmsWorld) -> None:
    manifest = json.loads(json.dumps(world.manifest))
    assert manifest["window"] == {"start": "2024-01-01", "end": "2025-12-31"}
    assert manifest["generator"]["seed"] == CONFIG.seed
    assert len(manifest["stores"]) == CONFIG.stores
    roles = {store["role"] for store in manifest["stores"]}
    assert {"healthy", "episode", "new"} <= roles
    for episode in manifest["episodes"]:
        assert set(episode) >= {
            "store_id",
            "pattern",
            "months",
            "expected_patterns_in_core_months",
            "story",
        }
        assert episode["pattern"] in episode["expected_patterns_in_core_months"]
    assert set(manifest["planted"]) == {"hard_selling_advisor", "comeback_flag_gaming_store"}
