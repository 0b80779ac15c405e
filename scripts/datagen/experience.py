"""Latent customer experience → survey answers.

The DMS simulation gives every work order a latent experience on a 0..10 scale (``_experience``):
how the visit felt (wait, delivery, a comeback, the advisor). The CRM step turns it into survey
answers with the function below, and the DMS step uses the same function in its tests to check
that planted episodes move NPS as intended. Keeping the mapping in one place means the NPS the
warehouse measures is exactly the NPS the episodes were calibrated for.

Calibration: a healthy visit has experience ≈ 8.8 ± 0.9 (dms_demand.EXPERIENCE_BASE minus the
usual waits); with the answer noise below that gives about 60% promoters and 8% detractors,
NPS ≈ 50-58 per store-month. Every point of mean experience lost moves NPS by roughly 30 points.
"""

from __future__ import annotations

import numpy as np

#: Standard deviation of the answer around the latent experience (mood, scale use).
ANSWER_NOISE_SD: float = 1.0


def nps_scores_from_experience(experience: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Integer 0..10 survey NPS answers drawn for orders with latent experience 0..10.

    The answer is the experience plus Gaussian noise, rounded and clipped to the 0..10 scale.
    Noise, not a deterministic cut, because real respondents with the same visit answer
    differently; rounding keeps the 9-10 / 7-8 / 0-6 groups the NPS formula counts.
    """
    values = np.asarray(experience, dtype=np.float64)
    noisy = values + rng.normal(0.0, ANSWER_NOISE_SD, size=values.shape)
    return np.clip(np.rint(noisy), 0, 10).astype(np.int64)


def nps_from_scores(scores: np.ndarray) -> float:
    """NPS on the -100…100 scale: 100 x (share 9-10 - share 0-6). NaN for no answers."""
    values = np.asarray(scores)
    if values.size == 0:
        return float("nan")
    return float(100.0 * (np.mean(values >= 9) - np.mean(values <= 6)))
