"""CRM and ERP exports derived from a simulated DMS world (step 2 of the generator pipeline).

``simulate_crm_erp`` reads what happened in the workshops (``dms.DmsWorld``) and produces what
the CRM and the ERP would have recorded about it: surveys, contacts, coupons, complaints, online
reviews and the monthly ledger. Nothing here invents business activity: every survey, call and
coupon hangs off a DMS order, vehicle or customer, and the ledger's revenue is the DMS revenue,
so the warehouse's reconciliations and cause-and-effect checks see one consistent network.

Each table draws from its own child generator, seeded from ``rng``: the same ``rng`` state gives
the same tables, and changing one table's logic does not reshuffle the others.

What is planted for the warehouse to find (and recorded in the manifest):

* ``planted.staff_filled_surveys``: one store where ~25 % of survey answers were filled in by
  staff (answered within 1-5 minutes, before the car was handed back, all 10s);
* ``ledger_gaps``: 2-3 store-months whose ledger revenue misses the DMS by 2-5 %.

``manifest["crm_erp"]`` adds row counts, contacts per type, coupons per campaign, the ledger's
episode top-ups and how many healthy months deferred overheads (see ``ledger``).

The modules: ``crm_common`` (array plumbing), ``crm_surveys``, ``crm_contacts``,
``crm_coupons``, ``crm_feedback`` (complaints, online reviews) and ``ledger``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .config import GeneratorConfig
from .crm_common import (
    DAY,
    ClosedOrders,
    StoreMonths,
    Window,
    build_closed_orders,
    build_store_months,
    customer_home_store,
    line_order_positions,
)
from .crm_contacts import contacts_frame, simulate_contacts
from .crm_coupons import simulate_coupons
from .crm_feedback import simulate_complaints, simulate_online_reviews
from .crm_surveys import simulate_surveys
from .ledger import dms_monthly, simulate_ledger

if TYPE_CHECKING:
    from .dms import DmsWorld

#: Child generators, one per output (order matters: it fixes which seed each table gets).
STREAMS: tuple[str, ...] = (
    "surveys",
    "contacts",
    "coupons",
    "complaints",
    "online_reviews",
    "finance_ledger",
    "plants",
)


@dataclass
class CrmErpResult:
    """CRM and ERP tables (contract columns only) and the manifest entries they add."""

    #: surveys, contacts, coupons, complaints, online_reviews, finance_ledger
    tables: dict[str, pd.DataFrame]
    #: JSON-serialisable additions to the generator manifest
    manifest: dict


def simulate_crm_erp(
    config: GeneratorConfig, world: DmsWorld, rng: np.random.Generator
) -> CrmErpResult:
    """Derive the CRM and ERP tables from the DMS world (see the module docstring)."""
    seeds = rng.integers(0, 2**63 - 1, size=len(STREAMS))
    streams = {name: np.random.default_rng(seed) for name, seed in zip(STREAMS, seeds, strict=True)}
    tables = world.tables
    window = Window.from_config(config.start, config.months)
    line_order = line_order_positions(tables)
    orders = build_closed_orders(tables, window, line_order)
    store_months = build_store_months(tables["stores"], world.store_months, window)
    store_ids = tables["stores"]["store_id"].to_numpy(dtype=object)
    customer_ids = tables["customers"]["customer_id"].to_numpy(dtype=object)

    dms_planted = _dms_planted_stores(getattr(world, "manifest", None), store_ids)
    planted_store = _staff_filled_store(
        orders, store_months, window, dms_planted, streams["plants"]
    )
    surveys, staff_filled = simulate_surveys(
        orders, window, store_ids, customer_ids, planted_store, streams["surveys"]
    )
    home_store = customer_home_store(orders, len(customer_ids))
    contacts, contact_summary = simulate_contacts(
        tables, orders, store_months, window, home_store, streams["contacts"]
    )
    coupons, coupon_summary = simulate_coupons(contacts, orders, tables, streams["coupons"])
    complaints = simulate_complaints(orders, store_months, window, tables, streams["complaints"])
    reviews = simulate_online_reviews(orders, store_months, window, streams["online_reviews"])
    monthly = dms_monthly(tables, orders, line_order, store_months.is_open.shape)
    ledger, ledger_manifest = simulate_ledger(
        tables, monthly, store_months, window, streams["finance_ledger"]
    )

    result_tables = {
        "surveys": surveys,
        "contacts": contacts_frame(contacts, tables, orders),
        "coupons": coupons,
        "complaints": complaints,
        "online_reviews": reviews,
        "finance_ledger": ledger,
    }
    manifest = {
        "ledger_gaps": ledger_manifest.pop("ledger_gaps"),
        "planted": {"staff_filled_surveys": staff_filled},
        "crm_erp": {
            **contact_summary,
            **coupon_summary,
            **ledger_manifest,
            "rows": {name: len(frame) for name, frame in result_tables.items()},
        },
    }
    return CrmErpResult(tables=result_tables, manifest=manifest)


def _dms_planted_stores(manifest: dict | None, store_ids: np.ndarray) -> np.ndarray:
    """Stores that already carry a planted people issue in the DMS (hard seller, flag gaming)."""
    planted = (manifest or {}).get("planted", {})
    names = {entry.get("store_id") for entry in planted.values() if isinstance(entry, dict)}
    return np.isin(store_ids, list(names - {None}))


def _staff_filled_store(
    orders: ClosedOrders,
    store_months: StoreMonths,
    window: Window,
    dms_planted: np.ndarray,
    rng: np.random.Generator,
) -> int:
    """The store that gets the staff-filled surveys: a busy, mature store with no other plant.

    An episode store would mix two planted signals (its NPS is meant to drop), a store with a
    DMS people issue likewise, and a new store's survey scores move for reasons of their own.
    Among the stores left, one of the busier half is chosen so the 25 % share rests on enough
    answers to be detected. The preferences are relaxed (maturity first) when a small network
    has no such store.
    """
    n_stores = len(store_months.store_ids)
    volume = np.bincount(orders.store[orders.store >= 0], minlength=n_stores)
    if volume.sum() == 0:
        return -1
    calm = ~pd.DataFrame(store_months.episode).notna().any(axis=1).to_numpy() & ~dms_planted
    mature = store_months.opened_on <= window.start - 548 * DAY
    candidates = np.flatnonzero(volume > 0)
    for preferred in (calm & mature, calm, ~dms_planted):
        if np.any(preferred & (volume > 0)):
            candidates = np.flatnonzero(preferred & (volume > 0))
            break
    busy = candidates[volume[candidates] >= np.median(volume[candidates])]
    return int(rng.choice(busy))
