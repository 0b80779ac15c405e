"""Coupons issued with the CRM's campaigns, redeemed on the customer's next visit.

Coupons ride on sent contacts (a first-maintenance reminder, a win-back call, a seasonal
invitation), so issue dates follow the outreach log. A coupon is redeemed on the customer's first
closed order at the issuing store that arrives between its sending and its expiry; the DMS visits
are fixed, so the redemption share is calibrated among the coupons whose customer did come back
in time, which keeps ``coupon_redemption_rate`` in ~30-45 % whatever the DMS visit rhythm is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .crm_common import DAY, NAT, ClosedOrders, contract_frame, floor_day, make_ids, take_ids
from .crm_contacts import CAMPAIGNS as CAMPAIGN_NAMES
from .crm_contacts import Contacts

#: Per campaign: (validity days options, face value low/high in CNY, target redemption share).
CAMPAIGNS: dict[str, tuple[tuple[int, ...], tuple[int, int], float]] = {
    "first_maintenance": ((90,), (100, 200), 0.48),
    "winback": ((30, 45, 60), (200, 500), 0.32),
    "spring_check": ((90,), (50, 300), 0.36),
    "summer_ac": ((60,), (50, 200), 0.34),
    "winter_check": ((90,), (50, 300), 0.36),
}


def simulate_coupons(
    contacts: Contacts,
    orders: ClosedOrders,
    tables: dict[str, pd.DataFrame],
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict]:
    """The coupons table and per-campaign counts for the manifest."""
    draw = contacts.draw
    rows = np.flatnonzero((draw.sent != NAT) & (draw.campaign >= 0))
    rows = rows[np.lexsort((draw.customer[rows], draw.store[rows], draw.sent[rows]))]
    campaign = np.asarray(CAMPAIGN_NAMES, dtype=object)[draw.campaign[rows]]
    sent = draw.sent[rows]
    customer, store = draw.customer[rows], draw.store[rows]
    validity = np.zeros(len(rows), dtype=np.int64)
    face = np.zeros(len(rows))
    target = np.zeros(len(rows))
    for name, (days, (low, high), share) in CAMPAIGNS.items():
        mine = np.flatnonzero(campaign == name)
        validity[mine] = rng.choice(np.asarray(days), size=len(mine))
        face[mine] = rng.integers(low // 10, high // 10 + 1, size=len(mine)) * 10.0
        target[mine] = share
    issued = floor_day(sent)
    expires = issued + validity * DAY
    candidate = _next_visit(orders, customer, store, sent, len(tables["stores"]))
    eligible = (candidate >= 0) & (orders.arrived[np.maximum(candidate, 0)] < expires + DAY)
    redeemed = _redeem(campaign, eligible, target, rng)
    redeemed &= ~_duplicated(np.where(redeemed, candidate, -1))
    frame = contract_frame(
        "coupons",
        {
            "coupon_id": make_ids("CP", len(rows)),
            "customer_id": tables["customers"]["customer_id"].to_numpy(dtype=object)[customer],
            "store_id": tables["stores"]["store_id"].to_numpy(dtype=object)[store],
            "campaign": campaign,
            "issued_on": issued,
            "expires_on": expires,
            "face_value": face,
            "redeemed_work_order_id": take_ids(
                orders.work_order_id, np.where(redeemed, candidate, -1)
            ),
        },
    )
    counts = (
        pd.DataFrame({"campaign": campaign, "redeemed": redeemed})
        .groupby("campaign")["redeemed"]
        .agg(["size", "sum"])
    )
    manifest = {
        "coupons_by_campaign": {
            str(name): {"issued": int(row["size"]), "redeemed": int(row["sum"])}
            for name, row in counts.iterrows()
        }
    }
    return frame, manifest


def _next_visit(
    orders: ClosedOrders, customer: np.ndarray, store: np.ndarray, after: np.ndarray, n_stores: int
) -> np.ndarray:
    """Position of each (customer, store)'s first order arriving at or after ``after`` (-1: none).

    One ``merge_asof`` over integer (customer, store) keys: no per-coupon search.
    """
    if len(customer) == 0 or len(orders) == 0:
        return np.full(len(customer), -1, dtype=np.int64)
    visits = pd.DataFrame(
        {
            "key": orders.customer * n_stores + orders.store,
            "at": orders.arrived,
            "position": np.arange(len(orders)),
        }
    )
    visits = visits[orders.customer >= 0].sort_values("at", kind="stable")
    wanted = pd.DataFrame(
        {"key": customer * n_stores + store, "at": after, "row": np.arange(len(customer))}
    )
    wanted = wanted.sort_values("at", kind="stable")
    matched = pd.merge_asof(
        wanted, visits, on="at", by="key", direction="forward", allow_exact_matches=True
    )
    result = np.full(len(customer), -1, dtype=np.int64)
    found = matched["position"].notna().to_numpy()
    result[matched["row"].to_numpy()[found]] = (
        matched["position"].to_numpy()[found].astype(np.int64)
    )
    return result


def _redeem(
    campaign: np.ndarray, eligible: np.ndarray, target: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Redeem eligible coupons with the probability that hits each campaign's target share.

    Customers who came back within the validity mostly use their coupon (capped at 95 %); when a
    campaign has fewer returners than its target, every returner's coupon is used at that cap.
    """
    probability = np.zeros(len(campaign))
    for name in np.unique(campaign):
        mine = campaign == name
        eligible_share = float(eligible[mine].mean()) if mine.any() else 0.0
        if eligible_share > 0:
            probability[mine] = min(0.95, float(target[mine][0]) / eligible_share)
    return eligible & (rng.random(len(campaign)) < probability)


def _duplicated(values: np.ndarray) -> np.ndarray:
    """True on the second and later occurrence of a non-negative value (one coupon per order)."""
    result = np.zeros(len(values), dtype=bool)
    present = np.flatnonzero(values >= 0)
    _, first = np.unique(values[present], return_index=True)
    duplicate = np.ones(len(present), dtype=bool)
    duplicate[first] = False
    result[present] = duplicate
    return result
