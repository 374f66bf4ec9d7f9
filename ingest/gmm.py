"""Gaussian mixtures over memory units (after MemGAS): association links, scenes, scene summaries.

Pure decisions over data the caller already fetched (scores from the vector index, embeddings);
nothing here touches Neo4j.

Invariants:

* :func:`associate` returns a *prefix* of the candidates sorted by score (if a candidate is
  linked, every higher-scoring one is too), never a candidate below the absolute floor, and the
  same answer for the same scores and seed.
* :func:`fit_scenes` is deterministic for a fixed seed and does not depend on the order the units
  are given in (they are sorted by id before fitting); every unit belongs to exactly one scene and
  no scene is empty.
* Scene ids are content-derived: ``stable_id("scene", *sorted(member_ids))``. When the previous
  scenes are passed to a refit, a new scene that overlaps a previous one with Jaccard ≥ 0.5 keeps
  the previous id (greedy, best overlap first), so a scene that merely gained or lost a few
  members keeps its id, and an unchanged scene keeps it even without ``previous``.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.mixture import GaussianMixture

from graph.errors import ValidationError
from ingest.models import stable_id

SCORE_FLOOR = 0.5  # never link below this cosine, whatever the mixture says
HIGH_SCORE = 0.8  # all-equal scores are linked only when at least this high
MIN_MEAN_GAP = 0.05  # component means closer than this are not two groups
MIN_BIC_GAIN = 2.0  # two components must beat one by this much BIC ("positive" evidence)
PCA_DIMS = 32
MIN_UNITS_PER_SCENE = 5
REFIT_MIN_NEW = 50
REFIT_FRACTION = 0.2
ID_REUSE_JACCARD = 0.5


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


def _fit_mixture(x: np.ndarray, k: int, seed: int, covariance: str) -> GaussianMixture | None:
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


# ---- scenes (embedding clusters, components chosen by BIC) ----------------------------------


@dataclass(frozen=True, eq=False)
class SceneModel:
    """A fitted scene mixture: assignments of the fitted units plus what assigns new ones."""

    unit_ids: tuple[str, ...]  # as given to fit_scenes
    labels: tuple[int, ...]  # component index per unit, aligned with unit_ids
    scene_ids: tuple[str, ...]  # one per component
    bic: tuple[float, ...]  # BIC per tried component count 1..len(bic) (inf if not converged)
    center: np.ndarray  # (d,) mean of the normalised embeddings
    projection: np.ndarray  # (d, r) PCA basis; identity when no reduction was needed
    means: np.ndarray  # (k, r)
    variances: np.ndarray  # (k, r), diagonal covariance
    log_weights: np.ndarray  # (k,)

    @property
    def assignments(self) -> dict[str, str]:
        """Unit id → scene id."""
        return {u: self.scene_ids[lab] for u, lab in zip(self.unit_ids, self.labels, strict=True)}

    @property
    def members(self) -> dict[str, tuple[str, ...]]:
        """Scene id → sorted member unit ids."""
        groups: dict[str, list[str]] = {sid: [] for sid in self.scene_ids}
        for unit, scene in self.assignments.items():
            groups[scene].append(unit)
        return {sid: tuple(sorted(m)) for sid, m in groups.items()}

    def assign(self, embeddings: np.ndarray) -> list[int]:
        """Most likely component for each new embedding (no refit)."""
        x = _normalise(_as_matrix(embeddings, self.center.shape[0]))
        z = (x - self.center) @ self.projection
        diff = z[:, None, :] - self.means[None, :, :]
        log_p = self.log_weights - 0.5 * (
            np.log(2 * np.pi * self.variances).sum(axis=1) + (diff**2 / self.variances).sum(axis=2)
        )
        return [int(i) for i in np.argmax(log_p, axis=1)]

    def assign_ids(self, embeddings: np.ndarray) -> list[str]:
        return [self.scene_ids[i] for i in self.assign(embeddings)]

    def needs_refit(self, new_since_fit: int, total: int) -> bool:
        return needs_refit(new_since_fit, total)


def needs_refit(new_since_fit: int, total: int) -> bool:
    """Refit once the units added since the last fit reach max(50, 20% of all units)."""
    return new_since_fit >= max(REFIT_MIN_NEW, REFIT_FRACTION * total)


def fit_scenes(
    unit_ids: Sequence[str],
    embeddings: np.ndarray,
    *,
    max_components: int = 12,
    seed: int = 0,
    previous: Mapping[str, Sequence[str]] | None = None,
) -> SceneModel:
    """Cluster unit embeddings into scenes; component count by BIC over 1..cap.

    cap = min(max_components, n_units // 5), at least 1. Embeddings are L2-normalised (cosine
    geometry) and PCA-reduced to ≤ 32 dims before a diagonal-covariance mixture is fitted.
    ``previous`` (scene id → member ids, e.g. an older model's ``members``) keeps ids stable.
    """
    ids, x = _prepare_units(unit_ids, embeddings)
    sorted_ids = sorted(ids)
    order = sorted(range(len(ids)), key=ids.__getitem__)
    center, projection = _projection(x[order], seed)
    z = (x[order] - center) @ projection
    cap = max(1, min(max_components, len(ids) // MIN_UNITS_PER_SCENE))
    mix = _best_by_bic(z, cap, seed)
    comps, labels = _used_components(mix.labels, sorted_ids)
    groups = [
        [u for u, lab in zip(sorted_ids, labels, strict=True) if lab == c]
        for c in range(len(comps))
    ]
    label_of = dict(zip(sorted_ids, labels, strict=True))
    return SceneModel(
        unit_ids=tuple(ids),
        labels=tuple(label_of[u] for u in ids),
        scene_ids=tuple(_scene_ids(groups, previous)),
        bic=mix.bic,
        center=center,
        projection=projection,
        means=mix.means[comps],
        variances=mix.variances[comps],
        log_weights=np.log(mix.weights[comps] / mix.weights[comps].sum()),
    )


def _as_matrix(embeddings: np.ndarray, dims: int | None = None) -> np.ndarray:
    x = np.asarray(embeddings, dtype=float)
    if x.ndim != 2 or (dims is not None and x.shape[1] != dims):
        raise ValidationError(
            f"expected a 2-D array with {dims or 'd'} columns", where="embeddings"
        )
    if not np.all(np.isfinite(x)):
        raise ValidationError("must be finite numbers", where="embeddings")
    return x


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _prepare_units(unit_ids: Sequence[str], embeddings: np.ndarray) -> tuple[list[str], np.ndarray]:
    ids = list(unit_ids)
    x = _as_matrix(embeddings)
    if not ids:
        raise ValidationError("no units to cluster", where="fit_scenes.unit_ids")
    if len(ids) != x.shape[0]:
        raise ValidationError("one embedding row per unit id is required", where="fit_scenes")
    if len(set(ids)) != len(ids):
        raise ValidationError("unit ids must be unique", where="fit_scenes.unit_ids")
    return ids, _normalise(x)


def _projection(x: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Center and basis mapping normalised embeddings to ≤ PCA_DIMS dimensions."""
    n, d = x.shape
    center = x.mean(axis=0)
    if d <= PCA_DIMS:
        return center, np.eye(d)
    if float(np.abs(x - center).max()) < 1e-9:  # identical units: no spread for PCA to divide
        return center, np.eye(d)[:, :1]
    r = min(PCA_DIMS, max(1, n - 1))
    pca = PCA(n_components=r, svd_solver="full", random_state=seed).fit(x)
    return pca.mean_, pca.components_.T


@dataclass(frozen=True, eq=False)
class _Mixture:
    means: np.ndarray
    variances: np.ndarray
    weights: np.ndarray
    labels: np.ndarray
    bic: tuple[float, ...]


def _best_by_bic(z: np.ndarray, cap: int, seed: int) -> _Mixture:
    """Lowest-BIC diagonal mixture over 1..cap components (a single unit is its own scene)."""
    if z.shape[0] < 2:  # sklearn needs two samples; one unit is trivially one scene
        return _Mixture(z, np.full_like(z, 1e-6), np.ones(1), np.zeros(1, dtype=int), ())
    fits = [_fit_mixture(z, k, seed, "diag") for k in range(1, cap + 1)]
    bic = tuple(gm.bic(z) if gm is not None else math.inf for gm in fits)
    best = fits[int(np.argmin(bic))]
    if best is None:  # only when no count converged, which k = 1 always does
        raise ValidationError("scene mixture did not converge", where="fit_scenes")
    return _Mixture(best.means_, best.covariances_, best.weights_, best.predict(z), bic)


def _used_components(raw: np.ndarray, sorted_ids: list[str]) -> tuple[list[int], list[int]]:
    """Drop empty components; order the rest by their first member id (input-order free)."""
    first: dict[int, str] = {}
    for unit, comp in zip(sorted_ids, raw, strict=True):
        first.setdefault(int(comp), unit)
    comps = sorted(first, key=first.__getitem__)
    new_label = {c: i for i, c in enumerate(comps)}
    return comps, [new_label[int(c)] for c in raw]


def _scene_ids(groups: list[list[str]], previous: Mapping[str, Sequence[str]] | None) -> list[str]:
    ids = [stable_id("scene", *sorted(g)) for g in groups]
    old = {sid: set(m) for sid, m in (previous or {}).items()}
    pairs = []
    for i, g in enumerate(groups):
        for sid, members in old.items():
            overlap = len(members & set(g)) / len(members | set(g))
            if overlap >= ID_REUSE_JACCARD:
                pairs.append((-overlap, i, sid))
    taken_new: set[int] = set()
    taken_old: set[str] = set()
    for _, i, sid in sorted(pairs):
        if i not in taken_new and sid not in taken_old:
            ids[i] = sid
            taken_new.add(i)
            taken_old.add(sid)
    return ids


# ---- scene summaries without an LLM ---------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class SceneSummary:
    terms: tuple[str, ...]
    entities: tuple[str, ...]
    representative_indices: tuple[int, ...]  # into the scene's texts, most central first
    text: str


def summarise_scene(
    texts: Sequence[str],
    entities: Sequence[str],
    top_terms: int = 8,
    representatives: int = 3,
    *,
    background: Sequence[str] | None = None,
    noun: str = "turns",
) -> SceneSummary:
    """Top TF-IDF terms, most-mentioned entities and most central members of one scene.

    A term's score is the sum over scene texts of (1 + log tf) × idf. With ``background`` (the
    collection the scene came from) idf down-weights words common everywhere; without it idf is 1,
    so terms are ranked by how much the scene itself uses them. Stop words and the words of
    entity names are not terms. Representatives are the texts closest (cosine) to the scene's
    TF-IDF centroid; ties go to the earlier text.
    """
    stop = set(ENGLISH_STOP_WORDS) | {w for e in entities for w in _tokens(e, set())}
    docs = [Counter(_tokens(t, stop)) for t in texts]
    idf = _idf(tuple(background or ()))
    vocab = sorted({w for d in docs for w in d})
    column = {w: i for i, w in enumerate(vocab)}
    m = np.zeros((len(docs), len(vocab)))
    for row, counts in enumerate(docs):
        for w, n in counts.items():
            m[row, column[w]] = (1.0 + math.log(n)) * idf(w)
    score = m.sum(axis=0)
    terms = tuple(vocab[i] for i in sorted(range(len(vocab)), key=lambda i: (-score[i], vocab[i])))
    names = _top_entities(entities)
    reps = _central(m, representatives)
    return SceneSummary(
        terms[:top_terms], names, reps, _summary_text(terms, names, len(docs), noun)
    )


def _tokens(text: str, stop: set[str]) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in stop]


@lru_cache(maxsize=4)
def _idf(background: tuple[str, ...]) -> Callable[[str], float]:
    """Smoothed idf over the background; cached, since every scene of a refit shares one."""
    if not background:
        return lambda _w: 1.0
    df = Counter(w for t in background for w in set(_tokens(t, set())))
    n = len(background)
    return lambda w: math.log((1 + n) / (1 + df[w])) + 1.0


def _top_entities(entities: Sequence[str], limit: int = 5) -> tuple[str, ...]:
    """Most-mentioned names first (case-insensitive), first spelling kept, ties by first mention."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for e in entities:
        key = " ".join(e.lower().split())
        if key:
            counts[key] += 1
            spelling.setdefault(key, e.strip())
    order = sorted(counts, key=lambda k: -counts[k])  # stable: first mention breaks ties
    return tuple(spelling[k] for k in order[:limit])


def _central(m: np.ndarray, k: int) -> tuple[int, ...]:
    if m.shape[0] == 0 or k <= 0:
        return ()
    rows = _normalise(m) if m.shape[1] else np.zeros((m.shape[0], 1))
    sims = rows @ rows.mean(axis=0)
    return tuple(int(i) for i in np.argsort(-sims, kind="stable")[:k])


def _summary_text(terms: Sequence[str], names: Sequence[str], n: int, noun: str) -> str:
    text = "Scene about " + ", ".join(terms[:3]) if terms else "Scene"
    if names:
        text += " — " + ", ".join(names[:3])
    unit = noun[:-1] if n == 1 and noun.endswith("s") else noun
    return f"{text} ({n} {unit})"
