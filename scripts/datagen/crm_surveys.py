"""Post-visit surveys: invitations, answers, and one planted case of staff-filled surveys.

Every answer is driven by the order's latent experience (``_experience`` from the DMS), so NPS,
CSI and the eight sub-scores move with the causal chain the DMS planted (comebacks and waits →
worse experience → lower NPS), and each sub-score additionally reacts to its own cause: long
waits lower ``score_waiting``, comebacks lower repair quality and resolution, the advisor shows
in attitude and communication, the store in comfort and cleanliness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .crm_common import (
    DAY,
    HOUR,
    MINUTE,
    NAT,
    ClosedOrders,
    Window,
    contract_frame,
    make_ids,
    nullable_int,
    seconds_to_text,
    uniform_seconds,
)
from .experience import nps_scores_from_experience
from .schema import SURVEY_SCORE_COLUMNS

#: Share of a store's closed orders that get an invitation (varies by store around one half).
INVITE_SHARE = (0.45, 0.55)
#: Share of the planted store's responses that staff filled in (the brief asks for ~25 %).
STAFF_FILLED_SHARE = 0.25


@dataclass(frozen=True)
class SurveyDraw:
    """Invitations before they become a table: positions into ``ClosedOrders`` plus answers."""

    order: np.ndarray
    sent: np.ndarray
    responded: np.ndarray  # NAT = no answer
    nps: np.ndarray
    csi: np.ndarray
    scores: np.ndarray  # [n, 8] int


def simulate_surveys(
    orders: ClosedOrders,
    window: Window,
    store_ids: np.ndarray,
    customer_ids: np.ndarray,
    planted_store: int,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, dict]:
    """The surveys table and the manifest entry of the planted staff-filled surveys."""
    n_stores = len(store_ids)
    draw = _invite(orders, window, n_stores, rng)
    draw = _answer(orders, draw, n_stores, rng)
    draw, planted = _plant_staff_filled(orders, draw, planted_store, rng)
    frame = _to_frame(orders, draw, store_ids, customer_ids)
    if planted:
        planted["store_id"] = str(store_ids[planted_store])
    return frame, planted


def _invite(
    orders: ClosedOrders, window: Window, n_stores: int, rng: np.random.Generator
) -> SurveyDraw:
    """About half the closed orders get an invitation 2-48 h after delivery; about 35-50 % answer.

    The answer rate falls with the experience: unhappy customers ignore the survey more often
    (a known non-response bias, which the NPS margin of error does not cover).
    """
    share = rng.uniform(*INVITE_SHARE, size=n_stores)
    invited = rng.random(len(orders)) < share[orders.store]
    position = np.flatnonzero(invited)
    sent = _daytime_after(orders.delivered[position], rng)
    keep = sent < window.end
    position, sent = position[keep], sent[keep]
    store_bias = rng.normal(0.0, 0.03, size=n_stores)
    experience = orders.experience[position]
    p_answer = np.clip(0.06 + 0.044 * experience + store_bias[orders.store[position]], 0.05, 0.9)
    answers = rng.random(len(position)) < p_answer
    delay = np.minimum(
        np.exp(rng.normal(np.log(5 * HOUR), 1.2, size=len(position))), 10 * 24 * HOUR
    )
    responded = sent + np.maximum(delay, 10 * MINUTE).astype(np.int64)
    answers &= responded < window.end
    responded = np.where(answers, responded, NAT)
    n = len(position)
    return SurveyDraw(
        order=position,
        sent=sent,
        responded=responded,
        nps=np.zeros(n, dtype=np.int64),
        csi=np.full(n, np.nan),
        scores=np.zeros((n, len(SURVEY_SCORE_COLUMNS)), dtype=np.int64),
    )


def _daytime_after(delivered: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A sending time 2-48 h after delivery and between 08:00 and 21:00 (no survey at 3 am).

    Drawn by rejection (a few vectorised rounds): every 2-48 h interval contains daytime, so the
    rare order still without a time after the rounds falls back to 2 h after delivery.
    """
    sent = np.full(len(delivered), NAT, dtype=np.int64)
    for _ in range(6):
        pending = np.flatnonzero(sent == NAT)
        if len(pending) == 0:
            break
        candidate = delivered[pending] + uniform_seconds(rng, 2 * HOUR, 48 * HOUR, len(pending))
        hour = (candidate % DAY) / HOUR
        daytime = (hour >= 8.0) & (hour < 21.0)
        sent[pending[daytime]] = candidate[daytime]
    return np.where(sent == NAT, delivered + 2 * HOUR, sent)


def _sub_score_effects(
    orders: ClosedOrders, position: np.ndarray, n_stores: int, rng: np.random.Generator
) -> np.ndarray:
    """Shift of each sub-score's latent away from the visit's overall experience, [n, 8].

    The overall experience already contains the wait and the comeback; these shifts say which
    question the customer blames it on, so the experience tree (process / result / environment)
    points at the real cause.
    """
    n_advisors = int(orders.advisor.max(initial=0)) + 1
    advisor_effect = rng.normal(0.0, 0.35, size=n_advisors)[np.maximum(orders.advisor[position], 0)]
    comfort_effect = rng.normal(0.0, 0.3, size=n_stores)[orders.store[position]]
    clean_effect = rng.normal(0.0, 0.3, size=n_stores)[orders.store[position]]
    wait_hours = np.where(
        orders.work_started[position] == NAT,
        0.0,
        (orders.work_started[position] - orders.arrived[position]) / HOUR,
    )
    late = (orders.promised[position] != NAT) & (
        orders.delivered[position] > orders.promised[position] + 15 * MINUTE
    )
    comeback = orders.is_data_comeback[position].astype(float)
    came_back = orders.has_comeback[position].astype(float)
    free_for_customer = np.isin(orders.payer[position], ["warranty", "insurance", "internal"])
    ticket = orders.net_total[position]
    typical = np.median(ticket[ticket > 0]) if np.any(ticket > 0) else 1.0
    discount = np.where(
        orders.list_total[position] > 0,
        1.0 - ticket / np.maximum(orders.list_total[position], 0.01),
        0.0,
    )
    price_pressure = np.clip(np.log(np.maximum(ticket, 1.0) / typical), -1.0, 1.5)
    effects = np.column_stack(
        [
            0.25 + advisor_effect,
            0.15 + 0.8 * advisor_effect,
            0.35 - 0.6 * np.clip(wait_hours - 1.5, 0.0, 4.0) - 1.2 * late,
            0.35 - 2.5 * comeback - 1.2 * came_back,
            -0.1
            - 0.5 * np.where(free_for_customer, -1.0, price_pressure)
            + 2.0 * np.clip(discount, 0.0, 0.3),
            0.25 - 2.0 * comeback - 1.0 * came_back,
            comfort_effect,
            clean_effect,
        ]
    )
    return effects


def _answer(
    orders: ClosedOrders, draw: SurveyDraw, n_stores: int, rng: np.random.Generator
) -> SurveyDraw:
    """NPS, CSI and the sub-scores of the invitations that were answered (NULL elsewhere).

    NPS comes from ``experience.nps_scores_from_experience`` so it follows exactly the
    calibration the DMS episodes were designed with. CSI blends the experience with the
    sub-scores' latents on a 0-100 scale (a healthy visit ≈ 88) and gives first visits a small
    honeymoon bonus.
    """
    answered = draw.responded != NAT
    position = draw.order[answered]
    experience = orders.experience[position]
    effects = _sub_score_effects(orders, position, n_stores, rng)
    environment = np.zeros_like(effects, dtype=bool)
    environment[:, 6:] = True
    base = np.where(environment, 4.6 + 0.5 * experience[:, None], experience[:, None])
    latent = base + effects + rng.normal(0.0, 0.9, size=effects.shape)
    scores = np.clip(np.rint(latent), 1, 10).astype(np.int64)
    csi_latent = (
        10.0 * (0.5 * experience + 0.5 * latent.mean(axis=1)) + 2.0 * orders.first_visit[position]
    )
    csi = np.clip(csi_latent + rng.normal(0.0, 3.0, size=len(position)), 0.0, 100.0)
    nps = nps_scores_from_experience(experience, rng)
    all_scores = np.zeros((len(draw.order), len(SURVEY_SCORE_COLUMNS)), dtype=np.int64)
    all_scores[answered] = scores
    all_nps = np.zeros(len(draw.order), dtype=np.int64)
    all_nps[answered] = nps
    all_csi = np.full(len(draw.order), np.nan)
    all_csi[answered] = np.round(csi, 1)
    return SurveyDraw(draw.order, draw.sent, draw.responded, all_nps, all_csi, all_scores)


def _plant_staff_filled(
    orders: ClosedOrders, draw: SurveyDraw, planted_store: int, rng: np.random.Generator
) -> tuple[SurveyDraw, dict]:
    """Turn unanswered invitations of one store into staff-filled perfect answers.

    Staff fill the survey on the customer's behalf while the car is still in the workshop: sent
    before delivery, answered 1-5 minutes later, every score 10. Enough are converted that they
    make up :data:`STAFF_FILLED_SHARE` of the store's answers, which is what the warehouse's
    suspect-survey check must surface for this store (and for the advisors involved).
    """
    if planted_store < 0:
        return draw, {}
    in_store = orders.store[draw.order] == planted_store
    answered = draw.responded != NAT
    duration = orders.delivered[draw.order] - orders.arrived[draw.order]
    candidates = np.flatnonzero(in_store & ~answered & (duration >= 30 * MINUTE))
    genuine = int(np.sum(in_store & answered))
    wanted = round(genuine * STAFF_FILLED_SHARE / (1.0 - STAFF_FILLED_SHARE))
    chosen = np.sort(rng.choice(candidates, size=min(wanted, len(candidates)), replace=False))
    if len(chosen) == 0:
        return draw, {}
    delivered = orders.delivered[draw.order[chosen]]
    arrived = orders.arrived[draw.order[chosen]]
    lead = np.minimum(
        uniform_seconds(rng, 15 * MINUTE, 90 * MINUTE, len(chosen)),
        delivered - arrived - 10 * MINUTE,
    )
    sent, responded = draw.sent.copy(), draw.responded.copy()
    sent[chosen] = delivered - lead
    responded[chosen] = sent[chosen] + uniform_seconds(rng, 1 * MINUTE, 5 * MINUTE, len(chosen))
    nps, csi, scores = draw.nps.copy(), draw.csi.copy(), draw.scores.copy()
    nps[chosen], csi[chosen], scores[chosen] = 10, 100.0, 10
    total = genuine + len(chosen)
    advisors = np.unique(orders.advisor[draw.order[chosen]])
    planted = {
        "surveys": len(chosen),
        "answers_in_store": int(total),
        "share_of_answers": round(len(chosen) / total, 4),
        "advisor_count": len(advisors),
        "rule": "responded_at within 1-5 minutes of sent_at, sent_at before the order's "
        "delivered_at, every score 10 (nps 10, csi 100)",
        "first_sent_at": seconds_to_text(int(sent[chosen].min())),
        "last_sent_at": seconds_to_text(int(sent[chosen].max())),
    }
    return SurveyDraw(draw.order, sent, responded, nps, csi, scores), planted


def _to_frame(
    orders: ClosedOrders, draw: SurveyDraw, store_ids: np.ndarray, customer_ids: np.ndarray
) -> pd.DataFrame:
    """Contract table, sorted by sending time so survey ids are chronological."""
    order = np.lexsort((draw.order, draw.sent))
    position = draw.order[order]
    answered = draw.responded[order] != NAT
    columns: dict[str, np.ndarray] = {
        "survey_id": make_ids("SV", len(order)),
        "work_order_id": orders.work_order_id[position],
        "customer_id": customer_ids[orders.customer[position]],
        "store_id": store_ids[orders.store[position]],
        "sent_at": draw.sent[order],
        "responded_at": draw.responded[order],
        "nps_score": nullable_int(draw.nps[order], answered),
        "csi_score": draw.csi[order],
    }
    for index, name in enumerate(SURVEY_SCORE_COLUMNS):
        columns[name] = nullable_int(draw.scores[order, index], answered)
    return contract_frame("surveys", columns)
