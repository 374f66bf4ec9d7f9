"""Memory links as a function of ground truth: each unit's links depend only on the units of the
same user and granularity that are not after it, never on the order they arrived in.

A unit's candidates are its top-N most similar units not after its own time (a unit without a
time sees all; one without a time is never "earlier"). When units arrive, the ones whose
candidate sets changed are exactly the new ones and every unit at or after the earliest new
time, so only those are recomputed (in order, that is just the new units). Scores are computed
in float64 over unit vectors and rounded, so a recomputation gives the same numbers whatever
subset of rows it scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from strata.graph.errors import InvariantError

ROWS_PER_BLOCK = 512  # affected units scored at a time (bounds the score matrix)


@dataclass(frozen=True)
class Units:
    """One user's units of one granularity, in a canonical order (time, then id)."""

    ids: list[str]
    times: np.ndarray  # epoch ms, nan when the unit has no time
    vectors: np.ndarray  # L2-normalised, float64
    pending: np.ndarray  # bool: not linked since it arrived (new, or left by a crash)

    @classmethod
    def of(cls, rows: Sequence[dict[str, object]]) -> Units:
        ordered = sorted(rows, key=lambda r: (r["time"] is None, r["time"] or 0, r["id"]))
        sizes = {len(r["embedding"] or ()) for r in ordered}  # type: ignore[arg-type]
        if len(sizes) > 1 or 0 in sizes:
            raise InvariantError(f"stored units have embeddings of sizes {sorted(sizes)}")
        m = np.asarray([r["embedding"] for r in ordered], dtype=np.float64)
        m = m.reshape(len(ordered), -1) if len(ordered) else np.empty((0, 0))
        if not np.isfinite(m).all():
            raise InvariantError("a stored unit has a non-finite embedding")
        m /= np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
        return cls(
            ids=[str(r["id"]) for r in ordered],
            times=np.asarray(
                [np.nan if r["time"] is None else float(r["time"]) for r in ordered]  # type: ignore[arg-type]
            ),
            vectors=m,
            pending=np.asarray([bool(r["pending"]) for r in ordered], dtype=bool),
        )

    def affected(self) -> np.ndarray:
        """Indices of the units whose links must be (re)computed: the pending ones, every unit
        at or after the earliest pending time, and units without a time (they see all)."""
        if not self.pending.any():
            return np.empty(0, dtype=int)
        pending_times = self.times[self.pending]
        start = -np.inf if np.isnan(pending_times).any() else float(pending_times.min())
        later = np.where(np.isnan(self.times), True, self.times >= start)
        return np.flatnonzero(self.pending | later)

    def nearest(
        self, rows: np.ndarray, n: int, min_score: float = -1.0
    ) -> list[list[tuple[str, float]]]:
        """For each unit in ``rows``: its top ``n`` others not after it scoring ≥ ``min_score``
        (score = (1 + cos) / 2), best first; ties go to the earlier unit."""
        out: list[list[tuple[str, float]]] = []
        for start in range(0, len(rows), ROWS_PER_BLOCK):
            block = rows[start : start + ROWS_PER_BLOCK]
            scores = np.round((1.0 + self.vectors[block] @ self.vectors.T) / 2.0, 9)
            t = self.times[block]
            allowed = (self.times[None, :] <= t[:, None]) | np.isnan(t)[:, None]
            allowed[np.arange(len(block)), block] = False
            masked = np.where(allowed & (scores >= min_score), scores, -np.inf)
            for i, order in enumerate(np.argsort(-masked, axis=1, kind="stable")[:, :n]):
                keep = order[np.isfinite(masked[i, order])]
                out.append([(self.ids[j], float(scores[i, j])) for j in keep])
        return out
