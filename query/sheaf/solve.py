"""The least-squares solve: ``min ‖δx − c‖`` by sparse LSQR, and when a residual is quiet."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import lsqr

from strata.query.sheaf.build import GROUND, NUMERIC, FloatArray, Sheaf


def solve(sheaf: Sheaf, comps: Sequence[list[int]]) -> FloatArray:
    """LSQR on ``min ‖δx − c‖``; the residual norm per edge of ``sheaf.edges``.

    The components form independent diagonal blocks of δ, so one solve is a solve per component
    (no shared unknowns, no shared rows). Any iterate's residual on a block is at least that
    block's minimum, so an early stop can only over-report, never hide, an obstruction.
    """
    cols: dict[tuple[int, str], int] = {}
    rows: list[int] = []
    at: list[int] = []
    vals: list[float] = []
    rhs: list[float] = []
    owner: list[int] = []
    for comp in comps:
        edges = [sheaf.edges[n] for n in comp]
        anchored = [e.target[0] for e in edges if e.u == GROUND and e.layers == (NUMERIC,)]
        shift = float(np.mean(anchored)) if anchored else 0.0  # translation keeps r; aids precision
        for n, e in zip(comp, edges, strict=True):
            w = 1.0 / e.scale
            for k, t in zip(e.layers, e.target, strict=True):
                rows.append(len(rhs))
                at.append(cols.setdefault((e.v, k), len(cols)))
                vals.append(w)
                if e.u != GROUND:
                    rows.append(len(rhs))
                    at.append(cols.setdefault((e.u, k), len(cols)))
                    vals.append(-w)
                rhs.append(w * (t - shift if e.u == GROUND and k == NUMERIC else t))
                owner.append(n)
    if not rhs:
        return np.zeros(len(sheaf.edges))
    delta = coo_matrix((vals, (rows, at)), shape=(len(rhs), len(cols))).tocsr()
    c = np.asarray(rhs, dtype=np.float64)
    x = lsqr(delta, c, atol=1e-12, btol=1e-12, iter_lim=10 * len(cols) + 100)[0]
    r = c - delta @ x
    return np.sqrt(np.bincount(owner, weights=r * r, minlength=len(sheaf.edges)))


def quiet_floor(sheaf: Sheaf, comp: Sequence[int], tolerance: float) -> float:
    """Below this ‖r‖ no cycle of the component can miss closing by more than tolerance.

    A cycle with holonomy h is a vector y in ker δᵀ with ⟨y, c⟩ = h and ‖y‖ ≤ s_max √L in the
    weighted rows, so ‖r‖ ≥ |h| / (s_max √L); it is reported when |h| > tolerance · s_min.
    """
    scales = [sheaf.edges[n].scale for n in comp]
    return 0.5 * tolerance * min(scales) / (max(scales) * math.sqrt(len(comp) + 1))
