"""Outreach log: reminders, care calls, win-back and seasonal invitations.

Each contact type is planned from what the DMS says happened (a delivery, a maintenance visit, a
warranty end, a repair, a lapse, an active customer), then executed: sent or forgotten, reached
or not. Execution quality drops in stressed store-months (``StoreMonths.stress``), which is how
an overloaded front office shows in the AARRR retention metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from .crm_common import (
    DAY,
    NAT,
    ClosedOrders,
    StoreMonths,
    Window,
    business_time,
    contract_frame,
    floor_day,
    make_ids,
    open_at,
    pick,
    take_ids,
    to_seconds,
)
from .schema import ACCEPTED_VALUES

CHANNELS: tuple[str, ...] = ("sms", "app", "phone", "wechat")
#: Channel mix per contact type (sms, app, phone, wechat): care and win-back calls are calls.
CHANNEL_MIX: dict[str, tuple[float, ...]] = {
    "first_maintenance_reminder": (0.35, 0.25, 0.15, 0.25),
    "maintenance_reminder": (0.35, 0.25, 0.15, 0.25),
    "warranty_expiry_reminder": (0.30, 0.25, 0.20, 0.25),
    "care_call": (0.0, 0.0, 0.85, 0.15),
    "winback_campaign": (0.20, 0.10, 0.50, 0.20),
    "seasonal_check_invite": (0.35, 0.30, 0.05, 0.30),
}
#: Chance a sent contact reaches the customer, per channel (opened / answered).
REACH: dict[str, float] = {"sms": 0.80, "app": 0.68, "phone": 0.78, "wechat": 0.84}
CONTACT_TYPES: tuple[str, ...] = ACCEPTED_VALUES[("contacts", "contact_type")]
#: Coupon campaigns a contact can carry (crm_coupons.CAMPAIGNS holds their terms).
CAMPAIGNS: tuple[str, ...] = (
    "first_maintenance",
    "winback",
    "spring_check",
    "summer_ac",
    "winter_check",
)
REMINDERS: tuple[str, ...] = (
    "first_maintenance_reminder",
    "maintenance_reminder",
    "warranty_expiry_reminder",
)
#: Win-back: no visit at the store for this long makes a customer lapsed (9 months).
LAPSE_SECONDS = 274 * DAY
#: Seasonal campaigns by calendar month: (campaign name, share of active customers invited).
SEASONAL_CAMPAIGNS: dict[int, tuple[str, float]] = {
    3: ("spring_check", 0.25),
    6: ("summer_ac", 0.20),
    11: ("winter_check", 0.25),
}


@dataclass(frozen=True)
class ContactDraw:
    """Planned contacts as arrays: codes into the DMS tables, int64 seconds, -1 / NAT for NULL."""

    customer: np.ndarray
    vin: np.ndarray
    store: np.ndarray
    contact_type: np.ndarray  # int8 code into CONTACT_TYPES
    planned: np.ndarray  # midnight of planned_on
    sent: np.ndarray  # NAT until executed / never sent
    related: np.ndarray  # position into ClosedOrders, -1 = none
    campaign: np.ndarray  # int8 code into CAMPAIGNS: the coupon it carries, -1 = none

    @classmethod
    def empty(cls) -> ContactDraw:
        ints = np.zeros(0, dtype=np.int64)
        codes = np.zeros(0, dtype=np.int8)
        return cls(ints, ints, ints, codes, ints, ints, ints, codes)

    @classmethod
    def planned_for(
        cls,
        contact_type: str,
        customer: np.ndarray,
        vin: np.ndarray,
        store: np.ndarray,
        planned: np.ndarray,
        sent: np.ndarray | None = None,
        related: np.ndarray | None = None,
        campaign: str | None = None,
        with_coupon: np.ndarray | None = None,
    ) -> ContactDraw:
        """Contacts of one type; ``campaign`` is the coupon carried where ``with_coupon``."""
        n = len(customer)
        coupon = np.full(n, -1, dtype=np.int8)
        if campaign is not None:
            carries = np.ones(n, dtype=bool) if with_coupon is None else with_coupon
            coupon[carries] = CAMPAIGNS.index(campaign)
        return cls(
            customer=np.asarray(customer, dtype=np.int64),
            vin=np.asarray(vin, dtype=np.int64),
            store=np.asarray(store, dtype=np.int64),
            contact_type=np.full(n, CONTACT_TYPES.index(contact_type), dtype=np.int8),
            planned=np.asarray(planned, dtype=np.int64),
            sent=np.full(n, NAT, dtype=np.int64) if sent is None else np.asarray(sent, np.int64),
            related=np.full(n, -1, np.int64) if related is None else np.asarray(related, np.int64),
            campaign=coupon,
        )

    @staticmethod
    def concat(parts: list[ContactDraw]) -> ContactDraw:
        if not parts:
            return ContactDraw.empty()
        return ContactDraw(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(ContactDraw))
        )

    def take(self, index: np.ndarray) -> ContactDraw:
        return ContactDraw(*(getattr(self, f.name)[index] for f in fields(ContactDraw)))

    def __len__(self) -> int:
        return len(self.customer)


@dataclass(frozen=True)
class Contacts:
    """The executed contact log: the draw plus channel and reach, for the table and coupons."""

    draw: ContactDraw
    channel: np.ndarray
    reached: np.ndarray


def simulate_contacts(
    tables: dict[str, pd.DataFrame],
    orders: ClosedOrders,
    store_months: StoreMonths,
    window: Window,
    home_store: np.ndarray,
    rng: np.random.Generator,
) -> tuple[Contacts, dict]:
    """Plan every contact type, keep those due in the window at an open store, execute them."""
    vehicles = tables["vehicles"]
    store_index = pd.Index(tables["stores"]["store_id"])
    vehicle_customer = pd.Index(tables["customers"]["customer_id"]).get_indexer(
        pd.Index(vehicles["customer_id"])
    )
    selling_store = store_index.get_indexer(pd.Index(vehicles["selling_store_id"]))
    first_maintenance = _first_maintenance_arrival(orders, len(vehicles))
    parts = [
        _first_maintenance_reminders(
            vehicles, vehicle_customer, selling_store, first_maintenance, rng
        ),
        _maintenance_reminders(orders, rng),
        _warranty_reminders(vehicles, vehicle_customer, selling_store, home_store, rng),
        _care_calls(orders, store_months, window, rng),
        _winback_contacts(orders, window, rng),
        _seasonal_invites(orders, window, rng),
    ]
    draw = ContactDraw.concat(parts)
    keep = (draw.customer >= 0) & (draw.planned >= window.start) & (draw.planned < window.end)
    keep &= open_at(store_months, window, draw.store, draw.planned)
    draw = draw.take(np.flatnonzero(keep))
    draw = _send(draw, store_months, window, rng)
    channel, reached = _reach(draw, len(store_index), rng)
    order = np.lexsort((draw.customer, draw.store, draw.planned))
    contacts = Contacts(draw.take(order), channel[order], reached[order])
    return contacts, _summary(contacts)


def contacts_frame(
    contacts: Contacts, tables: dict[str, pd.DataFrame], orders: ClosedOrders
) -> pd.DataFrame:
    """The contacts table of the contract (ids follow planned_on)."""
    draw = contacts.draw
    return contract_frame(
        "contacts",
        {
            "contact_id": make_ids("CT", len(draw)),
            "customer_id": tables["customers"]["customer_id"].to_numpy(dtype=object)[draw.customer],
            "vin": take_ids(tables["vehicles"]["vin"].to_numpy(dtype=object), draw.vin),
            "store_id": tables["stores"]["store_id"].to_numpy(dtype=object)[draw.store],
            "contact_type": np.asarray(CONTACT_TYPES, dtype=object)[draw.contact_type],
            "channel": contacts.channel,
            "planned_on": draw.planned,
            "sent_at": draw.sent,
            "reached": contacts.reached,
            "related_work_order_id": take_ids(orders.work_order_id, draw.related),
        },
    )


def _first_maintenance_arrival(orders: ClosedOrders, n_vehicles: int) -> np.ndarray:
    """Arrival of each vehicle's first maintenance visit in the data (NAT if none)."""
    first = np.full(n_vehicles, np.iinfo(np.int64).max, dtype=np.int64)
    maintenance = (orders.service_type == "maintenance") & (orders.vin >= 0)
    np.minimum.at(first, orders.vin[maintenance], orders.arrived[maintenance])
    return np.where(first == np.iinfo(np.int64).max, NAT, first)


def _first_maintenance_reminders(
    vehicles: pd.DataFrame,
    customer: np.ndarray,
    selling_store: np.ndarray,
    first_maintenance: np.ndarray,
    rng: np.random.Generator,
) -> ContactDraw:
    """Due ~5 months after a new car left the selling store, unless the car already came in.

    Only the selling store plans it: a car bought elsewhere is nobody's first maintenance lead.
    Most carry a first-maintenance coupon (issued in ``crm_coupons``).
    """
    delivered = to_seconds(vehicles["delivered_on"])
    ok = (selling_store >= 0) & (delivered != NAT)
    planned = floor_day(delivered + (150 + rng.integers(-3, 4, size=len(delivered))) * DAY)
    already = (first_maintenance != NAT) & (first_maintenance < planned)
    rows = np.flatnonzero(ok & ~already)
    with_coupon = rng.random(len(rows)) < 0.7
    return ContactDraw.planned_for(
        "first_maintenance_reminder",
        customer[rows],
        rows,
        selling_store[rows],
        planned[rows],
        campaign="first_maintenance",
        with_coupon=with_coupon,
    )


def _maintenance_reminders(orders: ClosedOrders, rng: np.random.Generator) -> ContactDraw:
    """Due 5-6 months after each maintenance visit, unless the car's next maintenance came first."""
    rows = np.flatnonzero((orders.service_type == "maintenance") & (orders.vin >= 0))
    order = rows[np.lexsort((orders.arrived[rows], orders.vin[rows]))]
    vin = orders.vin[order]
    next_arrival = np.full(len(order), NAT, dtype=np.int64)
    same = vin[1:] == vin[:-1]
    next_arrival[:-1] = np.where(same, orders.arrived[order][1:], NAT)
    planned = floor_day(
        orders.delivered[order] + (150 + rng.integers(0, 31, size=len(order))) * DAY
    )
    due = (next_arrival == NAT) | (next_arrival >= planned)
    order, planned = order[due], planned[due]
    return ContactDraw.planned_for(
        "maintenance_reminder",
        orders.customer[order],
        orders.vin[order],
        orders.store[order],
        planned,
    )


def _warranty_reminders(
    vehicles: pd.DataFrame,
    customer: np.ndarray,
    selling_store: np.ndarray,
    home_store: np.ndarray,
    rng: np.random.Generator,
) -> ContactDraw:
    """Due about a month before the factory warranty ends, from the customer's usual store.

    The usual store is where the customer is serviced most; a customer never serviced is the
    selling store's lead, a car bought elsewhere and never serviced is nobody's.
    """
    warranty_end = to_seconds(vehicles["warranty_end_on"])
    home = np.where(customer >= 0, home_store[np.maximum(customer, 0)], -1)
    store = np.where(home >= 0, home, selling_store)
    planned = floor_day(warranty_end - rng.integers(28, 36, size=len(warranty_end)) * DAY)
    rows = np.flatnonzero((store >= 0) & (warranty_end != NAT) & (customer >= 0))
    return ContactDraw.planned_for(
        "warranty_expiry_reminder", customer[rows], rows, store[rows], planned[rows]
    )


def _care_calls(
    orders: ClosedOrders, store_months: StoreMonths, window: Window, rng: np.random.Generator
) -> ContactDraw:
    """One care call per repair or accident visit, due on the delivery day.

    ~85-92 % are made within 72 h (the care_call_completion_3d metric); a stressed store-month
    drops that by up to 15 points. The rest are made late (3-7 days) or never. Calls that would
    fall after the export are not made yet.
    """
    rows = np.flatnonzero(np.isin(orders.service_type, ["repair", "accident"]))
    store, month = orders.store[rows], orders.month[rows]
    on_time_rate = rng.uniform(0.86, 0.92, size=len(store_months.store_ids))[store]
    on_time_rate -= 0.15 * store_months.stress[store, month]
    draw = rng.random(len(rows))
    on_time = draw < on_time_rate
    late = ~on_time & (draw < on_time_rate + (1.0 - on_time_rate) * 0.6)
    delivered = orders.delivered[rows]
    # Calls are made in office hours: on the next day or the one after (always within 72 h of
    # the delivery, which is before midnight of day 0), or on day 4-7 when late (beyond 72 h).
    days = np.where(on_time, rng.integers(1, 3, len(rows)), rng.integers(4, 8, len(rows)))
    sent = business_time(rng, floor_day(delivered) + days * DAY)
    sent = np.where(on_time | late, sent, NAT)
    sent = np.where((sent != NAT) & (sent >= window.end), NAT, sent)
    return ContactDraw.planned_for(
        "care_call",
        orders.customer[rows],
        orders.vin[rows],
        store,
        floor_day(delivered),
        sent=sent,
        related=rows,
    )


def _winback_contacts(
    orders: ClosedOrders, window: Window, rng: np.random.Generator
) -> ContactDraw:
    """Win-back calls to customers who have not visited a store for 9 months.

    Lapses are read from each (customer, store) visit sequence; the campaign reaches ~80 % of
    them. Some lapsed customers who later came back were called 1-29 days before their return
    (the call worked: a visit within 30 days); the others, and those who never returned, were
    called shortly after the lapse with no visit in the following 30 days. The share of
    successes is steered to ~20-30 % of calls (a realistic win-back yield) as far as the DMS
    offers returners, so ``winback_success_rate`` is measurable and neither 0 nor 1. About 60 %
    of calls carry a win-back coupon.
    """
    order = np.lexsort((orders.arrived, orders.store, orders.customer))
    customer, store = orders.customer[order], orders.store[order]
    next_arrival = np.full(len(order), NAT, dtype=np.int64)
    same = (customer[1:] == customer[:-1]) & (store[1:] == store[:-1])
    next_arrival[:-1] = np.where(same, orders.arrived[order][1:], NAT)
    lapse = orders.delivered[order] + LAPSE_SECONDS
    returned = next_arrival != NAT
    plain_day = floor_day(lapse) + rng.integers(0, 45, size=len(order)) * DAY
    lapsed = (~returned & (plain_day < window.end)) | (returned & (next_arrival > lapse + 2 * DAY))
    covered = lapsed & (rng.random(len(order)) < 0.8)
    success_share = _winback_success_share(covered, returned, rng)
    success = covered & returned & (rng.random(len(order)) < success_share)
    days_before = rng.integers(1, 30, size=len(order))
    next_day = floor_day(np.where(returned, next_arrival, lapse))
    success_day = np.maximum(floor_day(lapse) + DAY, next_day - days_before * DAY)
    plain = covered & ~success & (~returned | (next_arrival > plain_day + 31 * DAY))
    planned = np.where(success, success_day, plain_day)
    rows = np.flatnonzero(success | plain)
    sent = business_time(rng, planned[rows])
    sent = np.where(rng.random(len(rows)) < 0.97, sent, NAT)
    with_coupon = rng.random(len(rows)) < 0.6
    position = order[rows]
    return ContactDraw.planned_for(
        "winback_campaign",
        customer[rows],
        orders.vin[position],
        store[rows],
        planned[rows],
        sent=sent,
        campaign="winback",
        with_coupon=with_coupon,
    )


def _winback_success_share(
    covered: np.ndarray, returned: np.ndarray, rng: np.random.Generator
) -> float:
    """Share q of covered returners to call just before their return, for a 20-30 % yield.

    Every covered customer gets one call: q·R returners are successes, the other returners and
    the N who never came back are failures, so the yield is q·R ÷ (R + N) and q = t·(R + N) ÷ R
    for a target t. Bounded to 5-70 % of the returners so both outcomes always exist.
    """
    target = rng.uniform(0.20, 0.30)
    returners = int(np.sum(covered & returned))
    never = int(np.sum(covered & ~returned))
    if returners == 0:
        return 0.0
    return float(np.clip(target * (returners + never) / returners, 0.05, 0.7))


def _seasonal_invites(
    orders: ClosedOrders, window: Window, rng: np.random.Generator
) -> ContactDraw:
    """Seasonal check invitations to part of each store's active customers (visit in 12 months).

    The CRM targets customers who are due: those whose last visit was 5-9 months ago (the next
    service is near) are invited at three times the campaign's share, the others at 0.3 times.
    Every invitation carries the season's coupon (spring_check, summer_ac, winter_check).
    """
    parts: list[ContactDraw] = []
    months = window.month_starts[:-1].view("datetime64[s]").astype("datetime64[M]")
    calendar_month = months.astype(np.int64) % 12 + 1
    for index, month_number in enumerate(calendar_month):
        if int(month_number) not in SEASONAL_CAMPAIGNS:
            continue
        campaign, share = SEASONAL_CAMPAIGNS[int(month_number)]
        start = int(window.month_starts[index])
        active = np.flatnonzero(
            (orders.delivered < start) & (orders.delivered >= start - 365 * DAY)
        )
        last = active[
            np.lexsort((orders.delivered[active], orders.store[active], orders.customer[active]))
        ]
        key_change = np.r_[
            (orders.customer[last][1:] != orders.customer[last][:-1])
            | (orders.store[last][1:] != orders.store[last][:-1]),
            True,
        ]
        latest = last[key_change]
        since = start - orders.delivered[latest]
        due = (since >= 152 * DAY) & (since < 274 * DAY)
        chosen = latest[rng.random(len(latest)) < np.where(due, 3.0 * share, 0.3 * share)]
        planned = start + rng.integers(0, 14, size=len(chosen)) * DAY
        parts.append(
            ContactDraw.planned_for(
                "seasonal_check_invite",
                orders.customer[chosen],
                orders.vin[chosen],
                orders.store[chosen],
                planned,
                campaign=campaign,
            )
        )
    return ContactDraw.concat(parts)


def _send(
    draw: ContactDraw, store_months: StoreMonths, window: Window, rng: np.random.Generator
) -> ContactDraw:
    """Execute planned reminders and invitations: ~93-98 % sent, on the day or up to 3 days late.

    Care and win-back calls arrive with their own ``sent`` (their timing is the metric); only
    contacts still without a time are executed here. A sending that would fall after the export
    is moved to the planned day, so the last days of the window are not artificially unsent.
    """
    pending = np.flatnonzero(
        (draw.sent == NAT) & np.isin(draw.contact_type, _codes(*REMINDERS, "seasonal_check_invite"))
    )
    store = draw.store[pending]
    month = window.month_index(draw.planned[pending])
    send_rate = rng.uniform(0.94, 0.985, size=len(store_months.store_ids))[store]
    send_rate -= 0.05 * store_months.stress[store, month]
    sent_flag = rng.random(len(pending)) < send_rate
    lag = np.where(rng.random(len(pending)) < 0.75, 0, rng.integers(1, 4, size=len(pending))) * DAY
    when = business_time(rng, draw.planned[pending] + lag)
    when = np.where(when >= window.end, business_time(rng, draw.planned[pending]), when)
    sent = draw.sent.copy()
    sent[pending] = np.where(sent_flag, when, NAT)
    return ContactDraw(
        draw.customer,
        draw.vin,
        draw.store,
        draw.contact_type,
        draw.planned,
        sent,
        draw.related,
        draw.campaign,
    )


def _reach(
    draw: ContactDraw, n_stores: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Channel per contact type and whether the sent contact reached the customer (~70-85 %)."""
    channel = np.empty(len(draw), dtype=object)
    for contact_type, weights in CHANNEL_MIX.items():
        rows = np.flatnonzero(draw.contact_type == CONTACT_TYPES.index(contact_type))
        channel[rows] = pick(rng, CHANNELS, weights, len(rows))
    base = np.array([REACH[c] for c in CHANNELS])[pd.Index(CHANNELS).get_indexer(pd.Index(channel))]
    store_factor = rng.uniform(0.92, 1.04, size=n_stores)[draw.store]
    reached = (draw.sent != NAT) & (rng.random(len(draw)) < np.clip(base * store_factor, 0.0, 0.98))
    return channel, reached


def _summary(contacts: Contacts) -> dict:
    """Contact counts per type for the manifest (what the CRM export should contain)."""
    draw = contacts.draw
    counts = np.bincount(draw.contact_type, minlength=len(CONTACT_TYPES))
    return {"contacts_by_type": dict(zip(CONTACT_TYPES, map(int, counts), strict=True))}


def _codes(*contact_types: str) -> list[int]:
    return [CONTACT_TYPES.index(t) for t in contact_types]
