"""Work order lines: what each visit bought, at what price and direct cost.

Every closed order gets its customer-requested lines (labour, parts, accessories) from a template
per service type, plus items the advisor recommends (value-added services, wear parts,
accessories) that the customer accepts or declines. Prices are in CNY at the store's labour rate;
direct costs give parts ~30-35%, labour ~60%, accessories/value-added ~55-65% margin, so a
healthy month lands near 40-44% gross margin and the revenue mix near repair 65%, maintenance 25%,
accessory/value-added 8-10%. Cancelled orders have no lines.

Recommended items are never labour, so declined lines never carry sold hours and the sold hours
of an order are exactly the hours of the work done.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .dms_demand import (
    ACCESSORY,
    ACCIDENT,
    CUSTOMER,
    FAULT_PREFIX,
    FAULT_SYSTEMS,
    INTERNAL,
    MAINTENANCE,
    REPAIR,
)
from .dms_plan import BAD_SUPPLIER_ID

LINE_TYPES: tuple[str, ...] = ("labor", "part", "accessory", "value_added")
LABOR, PART, ACCESSORY_LINE, VALUE_ADDED = 0, 1, 2, 3
CATEGORIES: tuple[str, ...] = ("repair", "maintenance", "accessory_value_added")
SUPPLIERS: tuple[str, ...] = tuple(f"SUP{i:02d}" for i in range(1, 13))
LABOR_COST_SHARE: float = 0.38  # direct labour cost ÷ posted labour rate


@dataclass(frozen=True)
class Catalog:
    codes: np.ndarray
    descriptions: np.ndarray
    prices: np.ndarray
    quantities: np.ndarray
    weights: np.ndarray

    def pick(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return rng.choice(len(self.codes), n, p=self.weights / self.weights.sum())


def _catalog(rows: list[tuple[str, str, float, float, float]]) -> Catalog:
    codes, descriptions, prices, quantities, weights = zip(*rows, strict=True)
    return Catalog(
        np.array(codes, dtype=object),
        np.array(descriptions, dtype=object),
        np.array(prices, float),
        np.array(quantities, float),
        np.array(weights, float),
    )


MAINTENANCE_PARTS = _catalog(
    [
        ("P-OIL-5W30", "Engine oil 5W-30 (L)", 98.0, 4.5, 0.30),
        ("P-FLT-OIL", "Oil filter", 88.0, 1, 0.25),
        ("P-FLT-AIR", "Air filter", 168.0, 1, 0.12),
        ("P-FLT-CAB", "Cabin air filter", 188.0, 1, 0.12),
        ("P-SPK-PLG", "Spark plug", 78.0, 4, 0.07),
        ("P-BRK-FLD", "Brake fluid", 260.0, 1, 0.07),
        ("P-CLT-001", "Coolant", 280.0, 1, 0.04),
        ("P-GBX-OIL", "Gearbox oil (L)", 120.0, 4, 0.03),
    ]
)
RECOMMENDED_PARTS = _catalog(
    [
        ("P-WIPER", "Wiper blades", 180.0, 1, 0.35),
        ("P-BRK-PAD", "Brake pads (axle)", 720.0, 1, 0.25),
        ("P-BAT-12V", "12V battery", 880.0, 1, 0.15),
        ("P-TIRE", "Tire", 950.0, 2, 0.10),
        ("P-BLB", "Light bulb", 90.0, 1, 0.15),
    ]
)
VALUE_ADDED_ITEMS = _catalog(
    [
        ("VA-ACDIS", "A/C disinfection", 198.0, 1, 0.30),
        ("VA-CARB", "Engine carbon cleaning", 480.0, 1, 0.20),
        ("VA-COAT", "Paint coating", 1280.0, 1, 0.10),
        ("VA-DETAIL", "Interior detailing", 298.0, 1, 0.20),
        ("VA-WASH", "Premium wash and wax", 128.0, 1, 0.20),
    ]
)
ACCESSORY_ITEMS = _catalog(
    [
        ("A-MAT", "Floor mats", 680.0, 1, 0.30),
        ("A-DASHCAM", "Dash camera", 1280.0, 1, 0.22),
        ("A-FILM", "Window film", 2200.0, 1, 0.12),
        ("A-RACK", "Roof rack", 1600.0, 1, 0.08),
        ("A-HOLDER", "Phone holder", 168.0, 1, 0.18),
        ("A-TRUNK", "Trunk organiser", 298.0, 1, 0.10),
    ]
)
PACKAGE = _catalog([("VA-PKG", "Promotion care package", 1180.0, 1, 1.0)])


def _system_catalog(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Item codes and descriptions per fault system: 12 parts each, e.g. 'P-ELE-007'."""
    codes = np.array(
        [[f"{kind}-{prefix}-{k:03d}" for k in range(1, 13)] for prefix in FAULT_PREFIX],
        dtype=object,
    )
    descriptions = np.array(
        [
            [f"{system} {'part' if kind == 'P' else 'labor'} {k:03d}" for k in range(1, 13)]
            for system in FAULT_SYSTEMS
        ],
        dtype=object,
    )
    return codes, descriptions


SYSTEM_PART_CODES, SYSTEM_PART_DESCRIPTIONS = _system_catalog("P")


@dataclass
class OrderInputs:
    """What the line generator needs to know about each closed order."""

    service_type: np.ndarray
    payer: np.ndarray
    fault_system: np.ndarray
    is_comeback: np.ndarray
    first_maintenance: np.ndarray
    hard_seller: np.ndarray
    bad_supplier: np.ndarray
    labor_rate: np.ndarray
    discount_extra: np.ndarray
    package_rate: np.ndarray
    store_supplier_offset: np.ndarray  # store's preferred supplier block
    accept_rate: np.ndarray

    def __len__(self) -> int:
        return len(self.service_type)


class _LineBuffer:
    """Collects line components (arrays of equal length) before they are merged."""

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(
        self,
        order: np.ndarray,
        rank: int,
        line_type: int,
        codes: np.ndarray,
        descriptions: np.ndarray,
        quantity: np.ndarray,
        sold_hours: np.ndarray,
        list_amount: np.ndarray,
        cost_amount: np.ndarray,
        recommended: bool,
    ) -> None:
        n = len(order)
        if n == 0:
            return
        self.parts.append(
            {
                "order": order,
                "rank": np.full(n, rank),
                "line_type": np.full(n, line_type),
                "item_code": codes,
                "description": descriptions,
                "quantity": quantity,
                "sold_hours": sold_hours,
                "list_amount": list_amount,
                "cost_amount": cost_amount,
                "recommended": np.full(n, recommended),
            }
        )

    def merge(self) -> dict[str, np.ndarray]:
        """Concatenate the components sorted by order and rank, releasing them as it goes
        (at full scale the buffer holds tens of millions of lines)."""
        keys = list(self.parts[0])
        order_key = np.concatenate([part["order"] for part in self.parts])
        rank_key = np.concatenate([part["rank"] for part in self.parts])
        permutation = np.lexsort((rank_key, order_key))
        del order_key, rank_key
        merged: dict[str, np.ndarray] = {}
        for key in keys:
            merged[key] = np.concatenate([part.pop(key) for part in self.parts])[permutation]
        self.parts = []
        return merged


def _lognormal(mean: float, sigma: float, n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.lognormal(np.log(mean) - sigma**2 / 2, sigma, n)


def _labor_lines(buf: _LineBuffer, o: OrderInputs, rng: np.random.Generator) -> None:
    """Flat-rate labour: maintenance ~1-1.5 h, repairs 1.5-6 h, accidents 4-20 h."""
    st = o.service_type
    rate = o.labor_rate
    cb = o.is_comeback

    def add(sel: np.ndarray, rank: int, code: str, description: str, hours: np.ndarray) -> None:
        hours = np.round(hours, 1)
        buf.add(
            sel,
            rank,
            LABOR,
            np.full(len(sel), code, dtype=object),
            np.full(len(sel), description, dtype=object),
            np.ones(len(sel)),
            hours,
            hours * rate[sel],
            hours * rate[sel] * LABOR_COST_SHARE * rng.uniform(0.92, 1.08, len(sel)),
            False,
        )

    maint = np.flatnonzero(st == MAINTENANCE)
    first = o.first_maintenance[maint]
    add(
        maint,
        0,
        "L-MNT-01",
        "Periodic maintenance labor",
        np.where(first, rng.uniform(0.8, 1.0, len(maint)), rng.uniform(1.0, 1.5, len(maint))),
    )
    repair = np.flatnonzero((st == REPAIR) & ~cb)
    diag = repair[rng.random(len(repair)) < 0.6]
    add(diag, 0, "L-DIAG", "Fault diagnosis", np.full(len(diag), 0.5))
    add(
        repair,
        1,
        "L-REP-01",
        "Repair labor",
        np.clip(_lognormal(2.7, 0.45, len(repair), rng), 1.0, 5.5),
    )
    accident = np.flatnonzero((st == ACCIDENT) & ~cb)
    add(
        accident,
        0,
        "L-BODY",
        "Sheet metal repair",
        np.clip(_lognormal(5.8, 0.5, len(accident), rng), 2.0, 11.0),
    )
    add(
        accident,
        1,
        "L-PAINT",
        "Paint work",
        np.clip(_lognormal(4.8, 0.4, len(accident), rng), 2.0, 9.0),
    )
    comeback = np.flatnonzero(cb)
    add(comeback, 0, "L-RECHECK", "Re-inspection", np.full(len(comeback), 0.3))
    add(
        comeback,
        1,
        "L-REWORK",
        "Rework labor",
        np.clip(_lognormal(1.3, 0.5, len(comeback), rng), 0.5, 3.0),
    )
    accessory = np.flatnonzero(st == ACCESSORY)
    add(accessory, 5, "L-ACC-INST", "Accessory installation", rng.uniform(0.3, 1.0, len(accessory)))


def _catalog_lines(
    buf: _LineBuffer,
    sel: np.ndarray,
    rank: int,
    line_type: int,
    catalog: Catalog,
    cost_share: tuple[float, float],
    recommended: bool,
    rng: np.random.Generator,
) -> None:
    pick = catalog.pick(len(sel), rng)
    quantity = catalog.quantities[pick].copy()
    oil = catalog.codes[pick] == "P-OIL-5W30"
    quantity[oil] = rng.choice([4.0, 4.5, 5.0], oil.sum())
    price = np.round(catalog.prices[pick] * rng.uniform(0.95, 1.08, len(sel)), 0)
    list_amount = price * quantity
    cost = list_amount * rng.uniform(*cost_share, len(sel))
    buf.add(
        sel,
        rank,
        line_type,
        catalog.codes[pick],
        catalog.descriptions[pick],
        quantity,
        np.zeros(len(sel)),
        list_amount,
        cost,
        recommended,
    )


def _part_lines(buf: _LineBuffer, o: OrderInputs, rng: np.random.Generator) -> None:
    """Parts: maintenance consumables; repair and accident parts of the fault's system."""
    st = o.service_type
    cb = o.is_comeback
    maint = np.flatnonzero(st == MAINTENANCE)
    first = o.first_maintenance[maint]
    count = np.where(first, 2, 1 + rng.binomial(3, 0.55, len(maint)))
    for k in range(4):
        sel = maint[count > k]
        _catalog_lines(buf, sel, 10 + k, PART, MAINTENANCE_PARTS, (0.64, 0.70), False, rng)
    for kind, mean, n_extra, p_extra in ((REPAIR, 1400.0, 2, 0.45), (ACCIDENT, 1800.0, 3, 0.55)):
        orders = np.flatnonzero((st == kind) & ~cb)
        count = 1 + rng.binomial(n_extra, p_extra, len(orders))
        for k in range(n_extra + 1):
            sel = orders[count > k]
            _system_part(buf, sel, 10 + k, o.fault_system[sel], mean, 0.75, rng)
    comeback = np.flatnonzero(cb & (rng.random(len(cb)) < 0.5))
    _system_part(buf, comeback, 10, o.fault_system[comeback], 600.0, 0.6, rng)


def _system_part(
    buf: _LineBuffer,
    sel: np.ndarray,
    rank: int,
    system: np.ndarray,
    mean: float,
    sigma: float,
    rng: np.random.Generator,
) -> None:
    k = rng.integers(0, 12, len(sel))
    system = np.maximum(system, 0)
    list_amount = np.round(np.clip(_lognormal(mean, sigma, len(sel), rng), 40, 30000), 0)
    buf.add(
        sel,
        rank,
        PART,
        SYSTEM_PART_CODES[system, k],
        SYSTEM_PART_DESCRIPTIONS[system, k],
        np.ones(len(sel)),
        np.zeros(len(sel)),
        list_amount,
        list_amount * rng.uniform(0.64, 0.70, len(sel)),
        False,
    )


def _accessory_and_recommended(buf: _LineBuffer, o: OrderInputs, rng: np.random.Generator) -> None:
    """Accessory orders' items, the advisor's recommendations, and promotion packages."""
    st = o.service_type
    cb = o.is_comeback
    accessory = np.flatnonzero(st == ACCESSORY)
    count = 1 + rng.binomial(2, 0.3, len(accessory))
    for k in range(3):
        sel = accessory[count > k]
        _catalog_lines(buf, sel, 20 + k, ACCESSORY_LINE, ACCESSORY_ITEMS, (0.42, 0.50), False, rng)
    slots = np.select([st == MAINTENANCE, st == REPAIR, st == ACCIDENT], [3, 2, 1], 2)
    p_rec = np.where(o.hard_seller, 0.62, 0.17)
    count = np.where(cb, 0, rng.binomial(slots, p_rec))
    for k in range(3):
        sel = np.flatnonzero(count > k)
        kind = rng.random(len(sel))
        va, part, acc = sel[kind < 0.55], sel[(kind >= 0.55) & (kind < 0.85)], sel[kind >= 0.85]
        _catalog_lines(buf, va, 30 + k, VALUE_ADDED, VALUE_ADDED_ITEMS, (0.30, 0.40), True, rng)
        _catalog_lines(buf, part, 30 + k, PART, RECOMMENDED_PARTS, (0.62, 0.68), True, rng)
        _catalog_lines(buf, acc, 30 + k, ACCESSORY_LINE, ACCESSORY_ITEMS, (0.42, 0.50), True, rng)
    package = np.flatnonzero(~cb & (rng.random(len(st)) < o.package_rate))
    _catalog_lines(buf, package, 40, VALUE_ADDED, PACKAGE, (0.80, 0.88), True, rng)


def make_lines(o: OrderInputs, rng: np.random.Generator) -> pd.DataFrame:
    """All lines of the given closed orders; column ``_order`` is the order's position."""
    buf = _LineBuffer()
    _labor_lines(buf, o, rng)
    _part_lines(buf, o, rng)
    _accessory_and_recommended(buf, o, rng)
    lines = buf.merge()
    lines = _cap_line_count(lines)
    return _price_lines(lines, o, rng)


def _cap_line_count(lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """At most 8 lines an order: drop the last recommended (then other trailing) lines."""
    order = lines["order"]
    starts = np.r_[0, np.flatnonzero(np.diff(order)) + 1]
    counts = np.diff(np.r_[starts, len(order)])
    position = np.arange(len(order)) - np.repeat(starts, counts)
    keep = position < 8
    if keep.all():
        return lines
    return {key: value[keep] for key, value in lines.items()}


def _price_lines(
    lines: dict[str, np.ndarray], o: OrderInputs, rng: np.random.Generator
) -> pd.DataFrame:
    """Discounts, acceptance, suppliers and stock; net = list - discount when accepted."""
    order = lines["order"]
    n = len(order)
    st = o.service_type[order]
    payer = o.payer[order]
    line_type = lines["line_type"]
    recommended = lines["recommended"]
    accepted = ~recommended | (rng.random(n) < o.accept_rate[order])
    list_amount = np.round(lines["list_amount"], 2)
    discounted = rng.random(n) < 0.35
    fraction = np.where(discounted, rng.uniform(0.04, 0.14, n), 0.0) + o.discount_extra[order]
    fraction = np.where(payer == CUSTOMER, fraction, 0.0)
    fraction = np.where(payer == INTERNAL, 1.0, fraction)
    discount = np.round(list_amount * np.minimum(fraction, 1.0), 2)
    discount = np.where(accepted, discount, 0.0)
    net = np.where(accepted, np.round(list_amount - discount, 2), 0.0)
    cost = np.where(accepted, np.round(lines["cost_amount"], 2), 0.0)
    category = np.where(st == MAINTENANCE, 1, 0)
    category = np.where(
        (line_type == ACCESSORY_LINE) | (line_type == VALUE_ADDED) | (st == ACCESSORY), 2, category
    )
    is_part = line_type == PART
    supplier = _suppliers(o, order, rng)
    bad = supplier == BAD_SUPPLIER_ID
    in_stock = rng.random(n) < np.where(bad, 0.80, 0.985)
    # Column by column, releasing the inputs: pandas does not consolidate (copy) the blocks,
    # which keeps the peak memory of tens of millions of lines down.
    frame = pd.DataFrame({"_order": order})
    frame["line_type"] = np.array(LINE_TYPES, dtype=object)[line_type]
    frame["revenue_category"] = np.array(CATEGORIES, dtype=object)[category]
    del category
    frame["item_code"] = lines.pop("item_code")
    frame["description"] = lines.pop("description")
    frame["quantity"] = np.round(lines.pop("quantity"), 2)
    frame["sold_hours"] = np.round(lines.pop("sold_hours"), 2)
    frame["list_amount"] = list_amount
    frame["discount_amount"] = discount
    frame["net_amount"] = net
    frame["cost_amount"] = cost
    frame["recommended_by_advisor"] = recommended
    frame["accepted"] = accepted
    frame["part_in_stock"] = _nullable_bool(in_stock, is_part)
    frame["supplier_id"] = np.where(is_part, supplier, None)
    return frame


def _nullable_bool(values: np.ndarray, present: np.ndarray) -> pd.arrays.BooleanArray:
    """Boolean column with NULL where ``present`` is false."""
    return pd.arrays.BooleanArray(values.astype(bool), ~present.astype(bool))


def _suppliers(o: OrderInputs, order: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A store buys from four regular suppliers; orders flagged bad-supplier use SUP07."""
    choices = np.array([s for s in SUPPLIERS if s != BAD_SUPPLIER_ID], dtype=object)
    k = (o.store_supplier_offset[order] + rng.choice(4, len(order), p=[0.4, 0.3, 0.2, 0.1])) % len(
        choices
    )
    supplier = choices[k]
    return np.where(o.bad_supplier[order], BAD_SUPPLIER_ID, supplier)
