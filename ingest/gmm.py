"""GMM association (after MemGAS): which earlier units a new memory unit links to.

Pure decisions over scores the caller already fetched (from the vector index or in memory);
nothing here touches Neo4j. Scene clustering, the other mixture, lives in ``ingest.scenes``.

Invariants:

* :func:`associate` returns a *prefix* of the candidates sorted by score (if a candidate is
  linked, every higher-scoring one is too), never a candidate below the absolute floor, and the
  same answer for the same scores and seed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from strata.graph.errors import ValidationError

SCORE_FLOOR = 0.5  # never link below this cosine, whatever the mixture says
HIGH_SCORE = 0.8  # all-equal scores are linked only when at least this high
MIN_MEAN_GAP = 0.05  # component means closer than this are not two groups
MIN_BIC_GAIN = 2.0  # two components must beat one by this much BIC ("positive" evidence)


# ---- association (1-D, two components) ------------------------------------------------------


class AssociationRule(StrEnum):
    """Which rule decided the links; shown by ``explain`` and asserted by tests."""

    EMPTY = "empty"  # no candidates
    SHORT_HISTORY = "short_history"  # fewer than min_history: every candidate ≥ floor
    DEGENERATE = "degenerate"  # all scores equal: all if ≥ HIGH_SCORE, else none
    UNSEPARATED = "unseparated"  # one group, not two: the best candidate if ≥ floor
    MIXTURE = "mixture"  # the higher-mean component, cut at the floor


@dataclass(frozen=True)
class AssociationLink:
    candidate_index: int
    score: float


@dataclass(frozen=True)
class Association:
    links: tuple[AssociationLink, ...]  # best score first
    rule: AssociationRule

    @property
    def indices(self) -> list[int]:
        return [link.candidate_index for link in self.links]


def associate(
    scores: Sequence[float], *, seed: int = 0, min_history: int = 3, floor: float = SCORE_FLOOR
) -> list[int]:
    """Indices of the candidates to link a new unit to, best first (see :func:`association`)."""
    return association(scores, seed=seed, min_history=min_history, floor=floor).indices


def association(
    scores: Sequence[float], *, seed: int = 0, min_history: int = 3, floor: float = SCORE_FLOOR
) -> Association:
    """Decide links from a new unit's similarity to its top-N earlier units.

    Rules, in order: no candidates → none; fewer than ``min_history`` → every candidate ≥ floor
    (too few points for a mixture); all scores equal → all of them if ≥ ``HIGH_SCORE`` else none;
    otherwise fit one- and two-component 1-D mixtures. Two groups are accepted only when two
    components beat one by ≥ ``MIN_BIC_GAIN`` BIC and their means differ by ≥ ``MIN_MEAN_GAP``
    (a two-component fit splits even unimodal or uniform scores; BIC tells them apart). Then the
    candidates of the higher-mean component (above the lower mean, plus everything scoring above
    them) that are ≥ floor are linked. Without two groups only the best candidate is linked, if
    ≥ floor.
    """
    return associations([scores], seed=seed, min_history=min_history, floor=floor)[0]


def associations(
    score_lists: Sequence[Sequence[float]],
    *,
    seed: int = 0,
    min_history: int = 3,
    floor: float = SCORE_FLOOR,
) -> list[Association]:
    """``association`` for many units at once: the mixtures are fitted in one batched EM."""
    del seed  # kept for API stability; the EM below is deterministic
    rows = [_as_scores(s) for s in score_lists]
    fit = [i for i, s in enumerate(rows) if s.size >= min_history and float(np.ptp(s)) >= 1e-9]
    cuts = dict(zip(fit, mixture_cuts([rows[i] for i in fit]), strict=True))
    return [_decide(s, cuts.get(i), min_history, floor) for i, s in enumerate(rows)]


def _decide(s: np.ndarray, cut: float | None, min_history: int, floor: float) -> Association:
    if s.size == 0:
        return Association((), AssociationRule.EMPTY)
    if s.size < min_history:
        return _links_at_or_above(s, floor, AssociationRule.SHORT_HISTORY)
    if float(np.ptp(s)) < 1e-9:
        threshold = floor if s[0] >= max(HIGH_SCORE, floor) else math.inf
        return _links_at_or_above(s, threshold, AssociationRule.DEGENERATE)
    if cut is None:
        best = int(np.argmax(s))
        threshold = s[best] if s[best] >= floor else math.inf
        return _links_at_or_above(s, threshold, AssociationRule.UNSEPARATED)
    return _links_at_or_above(s, max(cut, floor), AssociationRule.MIXTURE)


def _as_scores(scores: Sequence[float]) -> np.ndarray:
    s = np.asarray(scores, dtype=float).ravel()
    if not np.all(np.isfinite(s)):
        raise ValidationError("scores must be finite numbers", where="associate.scores")
    return s


def _links_at_or_above(s: np.ndarray, threshold: float, rule: AssociationRule) -> Association:
    order = sorted(range(s.size), key=lambda i: (-s[i], i))
    links = tuple(AssociationLink(i, float(s[i])) for i in order if s[i] >= threshold)
    return Association(links, rule)


def mixture_cuts(rows: Sequence[np.ndarray], iterations: int = 100) -> list[float | None]:
    """Two-component 1-D Gaussian mixtures fitted by EM for many score lists at once.

    Association runs once per ingested unit (hundreds per batch); scikit-learn fits one mixture
    per call with ~2 ms of validation per EM step, so the batch's fits are vectorised here as
    one (units × candidates) EM. ``tests/unit/test_gmm.py`` checks the decisions against
    ``sklearn.mixture.GaussianMixture`` fits. Returns, per row, the lowest score of the high
    component, or None when BIC or the mean gap say the scores are one group.
    """
    if not rows:
        return []
    n_max = max(r.size for r in rows)
    x = np.full((len(rows), n_max), np.nan)
    for i, r in enumerate(rows):
        x[i, : r.size] = r
    mask = ~np.isnan(x)
    n = mask.sum(axis=1)
    xz = np.where(mask, x, 0.0)
    mean = np.stack([np.nanmin(x, axis=1), np.nanmax(x, axis=1)], axis=1)  # (m, 2)
    var = np.repeat((np.nanvar(x, axis=1) + 1e-6)[:, None], 2, axis=1)
    weight = np.full((len(rows), 2), 0.5)
    for _ in range(iterations):
        log_p = (
            _log_normal(xz[:, :, None], mean[:, None, :], var[:, None, :])
            + np.log(weight)[:, None, :]
        )
        norm = np.logaddexp(log_p[..., 0], log_p[..., 1])
        resp = np.exp(log_p - norm[..., None]) * mask[..., None]
        nk = resp.sum(axis=1) + 1e-12
        new_mean = (resp * xz[..., None]).sum(axis=1) / nk
        var = (resp * (xz[..., None] - new_mean[:, None, :]) ** 2).sum(axis=1) / nk + 1e-6
        weight = nk / n[:, None]
        done = np.allclose(new_mean, mean, atol=1e-7)
        mean = new_mean
        if done:
            break
    log_lik = np.where(mask, norm, 0.0).sum(axis=1)
    bic_two = -2 * log_lik + 5 * np.log(n)
    return [_cut(rows[i], mean[i], resp[i, : rows[i].size], bic_two[i]) for i in range(len(rows))]


def _log_normal(x: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    return -0.5 * (np.log(2 * np.pi * var) + (x - mean) ** 2 / var)


def _cut(s: np.ndarray, means: np.ndarray, resp: np.ndarray, bic_two: float) -> float | None:
    if _one_gaussian_bic(s) - bic_two < MIN_BIC_GAIN:
        return None
    hi, lo = int(np.argmax(means)), int(np.argmin(means))
    if means[hi] - means[lo] < MIN_MEAN_GAP:
        return None
    # A wide low component can claim the very top score, and a wide high one a stray low score;
    # taking the high-labelled scores above the low mean, and all above them, keeps a clean prefix.
    high = s[(np.argmax(resp, axis=1) == hi) & (s > means[lo])]
    return float(high.min()) if high.size else None


def _one_gaussian_bic(s: np.ndarray) -> float:
    """BIC of a single 1-D Gaussian in closed form (MLE mean and variance; 2 parameters).

    Same value sklearn's one-component fit reports (its reg_covar added), without running EM:
    association runs once per new unit, so this halves the work on the ingest path.
    """
    var = float(np.var(s)) + 1e-6
    log_lik = -0.5 * s.size * (math.log(2 * math.pi * var) + 1)
    return -2 * log_lik + 2 * math.log(s.size)


def fit_mixture(x: np.ndarray, k: int, seed: int, covariance: str) -> GaussianMixture | None:
    """Fit a k-component mixture; None if EM did not converge (callers fall back, not warn).

    One k-means++ initialisation per component count: BIC already compares the 1..cap fits,
    and a full KMeans init with restarts cost ~5x the EM itself (scenes refit on ingest).
    """
    gm = GaussianMixture(
        n_components=k,
        covariance_type=covariance,
        random_state=seed,
        n_init=1,
        init_params="k-means++",
    )
    with warnings.catch_warnings():
        # Non-convergence is reported through converged_, which every caller checks.
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm.fit(x)
    return gm if gm.converged_ else None
