"""METRICS.md formulas computed from DMS frames, for the DMS tests (and calibration runs).

Independent of the simulation's internals: comebacks are found again from the public columns
with the contract's definition, bay hours are summed by the day of ``work_started_at``, and so on.
NPS is estimated by drawing answers with ``nps_scores_from_experience`` for half of the closed
orders, as the CRM step would. Net margin uses the ledger contract of ``dms.py``'s docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from datagen.dms import COMMISSION_SHARE, CONSUMABLES_SHARE
from datagen.experience import nps_from_scores, nps_scores_from_experience


def data_comebacks(orders: pd.DataFrame) -> pd.DataFrame:
    """Closed repair/accident orders with ``is_cb`` (a comeback by the data definition) and
    ``has_cb`` (an original that came back), recomputed from public columns."""
    repair = orders[
        (orders["status"] == "closed") & orders["service_type"].isin(["repair", "accident"])
    ].copy()
    later = repair[["vin", "fault_code", "arrived_at", "work_order_id"]].rename(
        columns={"arrived_at": "later_arrived", "work_order_id": "later_id"}
    )
    pairs = repair[["work_order_id", "vin", "fault_code", "delivered_at"]].merge(
        later, on=["vin", "fault_code"]
    )
    pairs = pairs[
        (pairs["later_arrived"] > pairs["delivered_at"])
        & (pairs["later_arrived"] <= pairs["delivered_at"] + pd.Timedelta(days=30))
    ]
    repair["is_cb"] = repair["work_order_id"].isin(pairs["later_id"])
    repair["has_cb"] = repair["work_order_id"].isin(pairs["work_order_id"])
    return repair


def store_month_metrics(
    tables: dict[str, pd.DataFrame], store_months: pd.DataFrame, seed: int = 7
) -> pd.DataFrame:
    """One row per store and month with the METRICS.md metrics the DMS tests check."""
    stores = tables["stores"].set_index("store_id")
    orders = tables["work_orders"]
    lines = tables["work_order_lines"]
    clock = tables["technician_time"]
    closed = orders[orders["status"] == "closed"].copy()
    closed["month"] = closed["delivered_at"].dt.to_period("M").dt.to_timestamp()
    key = ["store_id", "month"]
    out = closed.groupby(key).size().rename("entries").to_frame()
    # Efficiency layer.
    bay = (
        closed.assign(
            hours=(closed["work_completed_at"] - closed["work_started_at"]).dt.total_seconds()
            / 3600,
            month=closed["work_started_at"].dt.to_period("M").dt.to_timestamp(),
        )
        .groupby(key)["hours"]
        .sum()
    )
    out["bay_hours"] = bay
    line_month = lines.merge(
        closed[["work_order_id", "store_id", "month", "technician_id"]], on="work_order_id"
    )
    out["sold_hours"] = line_month.groupby(key)["sold_hours"].sum()
    clock = clock.assign(month=clock["work_date"].dt.to_period("M").dt.to_timestamp())
    out["clocked"] = clock.groupby(key)["clocked_hours"].sum()
    out["available"] = clock.groupby(key)["available_hours"].sum()
    # Quality layer.
    repair = data_comebacks(orders)
    repair["month"] = repair["delivered_at"].dt.to_period("M").dt.to_timestamp()
    originals = repair[~repair["is_cb"]]
    out["originals"] = originals.groupby(key).size()
    out["originals_back"] = originals.groupby(key)["has_cb"].sum()
    out["repair_orders"] = repair.groupby(key).size()
    out["comebacks"] = repair.groupby(key)["is_cb"].sum()
    # Finance layer.
    out["revenue"] = line_month.groupby(key)["net_amount"].sum()
    out["cost"] = line_month.groupby(key)["cost_amount"].sum()
    payer = closed.set_index("work_order_id")["payer"]
    internal = line_month["work_order_id"].map(payer).eq("internal")
    out["rework"] = line_month[internal].groupby(key)["cost_amount"].sum()
    for category in ("repair", "maintenance", "accessory_value_added"):
        out[f"rev_{category}"] = (
            line_month[line_month["revenue_category"] == category].groupby(key)["net_amount"].sum()
        )
    # Satisfaction: half of the closed orders answer a survey.
    rng = np.random.default_rng(seed)
    answered = closed[rng.random(len(closed)) < 0.5]
    scores = nps_scores_from_experience(answered["_experience"].to_numpy(), rng)
    answered = answered.assign(score=scores)
    out["nps"] = answered.groupby(key)["score"].apply(lambda s: nps_from_scores(s.to_numpy()))
    out["answers"] = answered.groupby(key).size()
    out = out.fillna(0.0).reset_index().rename(columns={"month": "period_month"})
    out = out.merge(store_months, on=["store_id", "period_month"], how="left")
    days = out["period_month"].dt.days_in_month
    bays = out["store_id"].map(stores["service_bays"]).astype(float)
    hours = out["store_id"].map(stores["daily_open_hours"]).astype(float)
    out["orders_per_day"] = out["entries"] / days
    out["bay_utilization"] = out["bay_hours"] / (bays * hours * days)
    out["technician_efficiency"] = out["sold_hours"] / out["clocked"]
    out["labor_utilization"] = out["clocked"] / out["available"]
    out["ftfr"] = 1 - out["originals_back"] / out["originals"]
    out["comeback_rate"] = out["comebacks"] / out["repair_orders"]
    out["gross_margin"] = (out["revenue"] - out["cost"]) / out["revenue"]
    out["gross_margin_ledger"] = (out["revenue"] - out["cost"] + out["rework"]) / out["revenue"]
    out["atv"] = out["revenue"] / out["entries"]
    for category in ("repair", "maintenance", "accessory_value_added"):
        out[f"share_{category}"] = out[f"rev_{category}"] / out["revenue"]
    variable = (COMMISSION_SHARE + CONSUMABLES_SHARE) * out["revenue"] * out["variable_cost_factor"]
    fixed = out["fixed_cost_base"] * out["fixed_cost_factor"]
    out["net_margin"] = (out["revenue"] - out["cost"] - variable - fixed) / out["revenue"]
    previous = (
        out[["store_id", "period_month", "revenue"]]
        .assign(period_month=out["period_month"] + pd.DateOffset(years=1))
        .rename(columns={"revenue": "revenue_last_year"})
    )
    out = out.merge(previous, on=["store_id", "period_month"], how="left")
    out["revenue_yoy_growth"] = out["revenue"] / out["revenue_last_year"] - 1
    return out


def diagnose(metrics: pd.DataFrame) -> pd.Series:
    """METRICS.md's five patterns per store-month, as a list of the patterns that fire."""
    m = metrics
    rules = {
        "over_efficiency": ((m["bay_utilization"] > 0.75) | (m["technician_efficiency"] > 1.30))
        & ((m["ftfr"] < 0.85) | (m["comeback_rate"] > 0.10)),
        "blind_scale": (m["revenue_yoy_growth"] > 0.10)
        & (m["gross_margin"] < 0.32)
        & (m["net_margin"] < 0.05),
        "quality_out_of_control": (m["ftfr"] < 0.85)
        & (m["comeback_rate"] > 0.10)
        & (m["nps"] < 30),
        "poor_experience": (m["ftfr"] > 0.88) & (m["nps"] < 35),
        "cost_out_of_control": (m["gross_margin"] > 0.35) & (m["net_margin"] < 0.05),
    }
    frame = pd.DataFrame({name: rule.fillna(False) for name, rule in rules.items()})
    return frame.apply(lambda row: sorted(name for name, hit in row.items() if hit), axis=1)
