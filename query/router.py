"""Entropy router: how much to trust each granularity's seeds for one query (after MemGAS).

For each granularity g with candidate scores s (cosine of the query against the top-k units of
that granularity), p = softmax(s / τ). A peaked p means that granularity singles out a few units:
it is decisive and gets more weight. A flat p means it cannot tell its candidates apart.

Invariants of :func:`route`:

* every input granularity appears in the output; weights are finite and in [0, 1];
* a granularity with no candidates gets exactly 0; one with candidates gets at least a small
  floor share, never exactly 0 (a flat granularity may still hold the answer);
* when any granularity has candidates the weights sum to 1; when none has, all are 0;
* deterministic: same scores, same weights.

Why the entropy is normalised by log n
--------------------------------------
MemGAS turns the raw Shannon entropy H_g (in nats) into a weight with a decreasing function —
1 − H, 1/H or exp(−H), then normalises over granularities. Raw entropy is bounded by log n_g, not
by 1, so it mixes "how peaked" with "how many candidates":

* with 1 − H, any granularity with H > 1 (already true for a flat distribution over three
  candidates, log 3 ≈ 1.10) gets a *negative* raw weight; after dividing by a sum that may itself
  be negative, the flattest granularity can end up with the largest weight — exactly backwards;
* with 1/H or exp(−H) the weights stay positive but a flat distribution over 2 candidates
  (H = log 2 ≈ 0.69) beats a clearly peaked one over 30 candidates (H ≈ 1.5): few candidates look
  decisive merely because log n is small.

Dividing by log n_g gives Ĥ_g ∈ [0, 1] on the same scale for every granularity (0 = one candidate
takes all the mass, 1 = uniform), so 1 − Ĥ_g is a non-negative decisiveness that compares fairly
across candidate counts. ``tests/unit/test_router.py`` reproduces both failures and checks that
:func:`route` ranks those granularities correctly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from strata.graph.errors import ValidationError

DEFAULT_TAU = 0.1
DEFAULT_FLOOR = 0.05


def softmax(scores: Sequence[float], tau: float = DEFAULT_TAU) -> np.ndarray:
    """Temperature softmax, computed stably (max subtracted)."""
    z = np.asarray(scores, dtype=float) / tau
    e = np.exp(z - z.max())
    out: np.ndarray = e / e.sum()
    return out


def normalised_entropy(scores: Sequence[float], tau: float = DEFAULT_TAU) -> float:
    """Shannon entropy of softmax(scores/τ) divided by log n, in [0, 1].

    One candidate gives 0: the softmax is a point mass, so the granularity is treated as decisive
    (log 1 = 0 makes the ratio 0/0; 0 is its limit for any peaked distribution). Callers fetch the
    same top-k for every granularity, so n = 1 means the granularity really holds a single unit.
    """
    n = len(scores)
    if n <= 1:
        return 0.0
    p = softmax(scores, tau)
    p = p[p > 0]
    h = float(-(p * np.log(p)).sum())
    return min(1.0, max(0.0, h / math.log(n)))


def _check(scores_by_granularity: Mapping[str, Sequence[float]], tau: float, floor: float) -> None:
    if not (tau > 0 and math.isfinite(tau)):
        raise ValidationError("must be a positive finite number", where="router.tau")
    if not 0 < floor <= 1:
        raise ValidationError("must be in (0, 1]", where="router.floor")
    for g, scores in scores_by_granularity.items():
        if not all(math.isfinite(s) for s in scores):
            raise ValidationError("scores must be finite numbers", where=f"router.{g}")


def route(
    scores_by_granularity: Mapping[str, Sequence[float]],
    tau: float = DEFAULT_TAU,
    *,
    floor: float = DEFAULT_FLOOR,
) -> dict[str, float]:
    """Weight per granularity ∝ max(1 − Ĥ_g, floor); empty granularities get 0.

    All-equal scores give Ĥ = 1, so such a granularity only keeps the floor share; if every
    granularity is flat they all share equally. Raises ``ValidationError`` for τ ≤ 0, a floor
    outside (0, 1] or non-finite scores.
    """
    _check(scores_by_granularity, tau, floor)
    raw = {
        g: max(1.0 - normalised_entropy(s, tau), floor) if len(s) else 0.0
        for g, s in scores_by_granularity.items()
    }
    total = sum(raw.values())
    if total == 0:
        return dict.fromkeys(raw, 0.0)
    return {g: w / total for g, w in raw.items()}
