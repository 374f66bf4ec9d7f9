"""Scenes: Gaussian-mixture clusters over a user's unit embeddings, and their summaries.

Pure decisions over embeddings the caller already fetched; nothing here touches Neo4j.

Invariants:

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
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from strata.graph.errors import ValidationError
from strata.ingest.gmm import fit_mixture
from strata.ingest.models import stable_id

PCA_DIMS = 32
MIN_UNITS_PER_SCENE = 5
REFIT_MIN_NEW = 50
REFIT_FRACTION = 0.2
ID_REUSE_JACCARD = 0.5


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
    order_keys: Sequence[Any] | None = None,
) -> SceneModel:
    """Cluster unit embeddings into scenes; component count by BIC over 1..cap.

    cap = min(max_components, n_units // 5), at least 1. Embeddings are L2-normalised (cosine
    geometry) and PCA-reduced to ≤ 32 dims before a diagonal-covariance mixture is fitted.
    ``previous`` (scene id → member ids, e.g. an older model's ``members``) keeps ids stable.
    Units are fitted in the order of ``order_keys`` (default: their ids), so that the same units
    give the same scenes whatever order they were read in; ids carry the owner, so a key made
    of the units' content also gives the same scenes to the same memory under another owner.
    """
    ids, x = _prepare_units(unit_ids, embeddings)
    keys = list(order_keys) if order_keys is not None else ids
    order = sorted(range(len(ids)), key=lambda i: (keys[i], ids[i]))
    sorted_ids = [ids[i] for i in order]
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
    fits = [fit_mixture(z, k, seed, "diag") for k in range(1, cap + 1)]
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
