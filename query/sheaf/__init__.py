"""Sheaf-style contradiction checks over the claims an answer rests on.

The maths, in the words of the code
-----------------------------------
**Base graph.** Every claim is a vertex. Two claims share an edge when they constrain each other:
(i) same subject and attribute with overlapping validity (half-open ``[valid_from, valid_to)``,
``None`` = open) — an *identity* edge; (ii) a stated :class:`Relation`
``value(b) - value(a) = offset`` — an *offset* edge. Same-attribute claims whose validity does not
overlap get no edge: the later one is an update (:class:`Supersession`), never a conflict. One
extra *ground* vertex with the zero stalk carries the data: each observed value is an edge
ground → claim whose target is that value (an *anchor*), so observations and relative statements
live in one cochain and the least-squares problem is well posed.

**Stalks.** A numeric claim (a date as epoch days, an age, a count) has stalk ℝ. A categorical
claim has one coordinate per value its attribute takes in the input. A positive claim of a
single-valued attribute speaks for every coordinate (Paris ⇒ 1 at Paris, 0 elsewhere); a negative
claim ("not Paris") or a claim of a multi-valued attribute ("likes coffee") speaks for its own
coordinate only (0 resp. 1). So "likes coffee" clashes with "doesn't like coffee", and "likes tea"
with neither. A claim with ``value=None`` is an unknown (an event's date) only relations pin down.

**Restriction maps.** On an identity edge both stalks project onto the coordinates they share (no
shared coordinate ⇒ no edge); on an offset edge both maps are the identity of ℝ.

**Coboundary.** ``(δx)_e = F_v x_v − F_u x_u`` for ``e = u → v`` (ground contributes 0). The
target cochain ``c`` is 0 on identity edges, the offset on relation edges and the observed value on
anchors. Rows are divided by the attribute's scale, so residuals are unitless.

**Obstruction.** ``x* = argmin ‖δx − c‖`` by sparse LSQR. Connected components are independent
diagonal blocks of δ (one LSQR call solves each on its own), so unrelated facts never interact.
The residual ``r = c − δx*`` is the part of ``c`` outside ``im δ`` — the class of ``c`` in H¹ of
the augmented graph. ``r = 0`` iff one global assignment satisfies every claim and relation;
otherwise ``r`` is a circulation carried by the graph's cycles, and the edges with large ``|r|``
are the ones to blame. A pairwise check cannot see a cycle of relative claims that is
inconsistent only as a whole (A→B +2, B→C +3, A→C +1); the obstruction can. A cycle of length L
whose targets miss closing by h forces ``‖r‖ ≥ |h| / √L``, so a small ``‖r‖`` proves every gap is
below tolerance and the component is skipped.

**Localisation.** Per coordinate, a BFS tree grown from the ground induces a potential φ that
satisfies every tree edge, so the fundamental cycle of a non-tree edge ``e = u → v`` misses closing
by its holonomy ``h = c_e − (φ_v − φ_u)``. Fundamental cycles span the cycle space, so some of them
is open whenever any cycle is; the open ones are the contradictions. A triangle ground–a–b is a
direct *conflict* between two claims (all such triangles between the same two asserted values
merge, so "Paris" said five times against "Berlin" is one report with every side's evidence);
anything longer (relations, unknowns) is a *cycle*. Each reports its gap ``|h|``, a severity in
[0, 1] (1 for a categorical clash, ``g / (1 + g)`` with ``g = |h| / scale`` for numbers), the LS
residual its edges carry, and its blame (its largest edge residual over the component's largest).

``≠`` is not linear, so a negated number ("age is not 32") stays outside the sheaf and is checked
against the overlapping positive claims of its attribute directly.

Invariants: consistent input ⇒ no contradiction and an obstruction of 0 (up to tolerance); a
non-overlapping change is only ever a supersession; the result does not depend on input order.

Where each step lives: ``models`` (the public claims, relations and reports), ``build`` (validation,
grouping, stalks and edges of the augmented graph), ``solve`` (LSQR and the quiet floor),
``localise`` (open fundamental cycles), ``report`` (contradictions, negated numbers,
supersessions); :func:`check` below runs them in that order.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping

import numpy as np

from strata.query.sheaf.build import (
    GROUND,
    NUMERIC,
    FloatArray,
    build,
    claim_groups,
    components,
    validate,
)
from strata.query.sheaf.localise import localise
from strata.query.sheaf.models import (
    ASK_USER,
    NEWER_WINS,
    Claim,
    Contradiction,
    Hint,
    Kind,
    Relation,
    SheafReport,
    Side,
    Supersession,
    epoch_days,
    norm,
    readable,
)
from strata.query.sheaf.report import negated_numbers, supersessions
from strata.query.sheaf.solve import quiet_floor, solve

__all__ = [
    "ASK_USER",
    "GROUND",
    "NEWER_WINS",
    "NUMERIC",
    "Claim",
    "Contradiction",
    "FloatArray",
    "Hint",
    "Kind",
    "Relation",
    "SheafReport",
    "Side",
    "Supersession",
    "check",
    "epoch_days",
    "readable",
]


def check(
    claims: Iterable[Claim],
    relations: Iterable[Relation] = (),
    *,
    multi_valued: Collection[str] = (),
    scales: Mapping[str, float] | None = None,
    tolerance: float = 1e-6,
) -> SheafReport:
    """Find contradictions and updates among ``claims`` and ``relations``.

    ``multi_valued`` names attributes whose values do not exclude each other ("likes").
    ``scales`` gives an attribute's unit of disagreement (default 1: one year of age, one day of
    a date); gaps below ``tolerance`` scaled units count as agreement.
    """
    cs = tuple(sorted(claims, key=lambda c: c.id))
    rs = tuple(sorted(relations, key=lambda r: r.id))
    index = validate(cs, rs)
    groups = claim_groups(cs)
    unit = {norm(k): float(v) for k, v in (scales or {}).items()}
    multi = {norm(a) for a in multi_valued}
    sheaf = build(cs, rs, index, groups, multi, unit)
    # a lone claim (at most one anchor) always agrees with itself: no need to solve for it
    comps = [c for c in components(sheaf) if any(sheaf.edges[n].u != GROUND for n in c)]
    per_edge = solve(sheaf, comps)
    found: list[Contradiction] = []
    squared = 0.0
    for comp in comps:
        r2 = float(np.sum(per_edge[comp] ** 2))
        squared += r2
        if math.sqrt(r2) >= quiet_floor(sheaf, comp, tolerance):
            found += localise(sheaf, comp, per_edge[comp], tolerance)
    found += negated_numbers(cs, groups, unit, tolerance)
    found.sort(key=lambda c: (-c.severity, -c.blame, sorted(c.ids)))
    return SheafReport(tuple(found), tuple(supersessions(cs, groups, multi)), math.sqrt(squared))
