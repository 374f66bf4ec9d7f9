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
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import combinations
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import lsqr

from strata.graph.errors import ValidationError

Kind = Literal["conflict", "cycle"]
Hint = Literal["newer claim wins", "ask the user"]
NEWER_WINS: Hint = "newer claim wins"
ASK_USER: Hint = "ask the user"

GROUND = -1  # the vertex that carries observed values
NUMERIC = ""  # the single coordinate of a numeric stalk
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

FloatArray = npt.NDArray[np.float64]


# ---- public models ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One assertion: ``subject attribute value`` held over ``[valid_from, valid_to)``.

    ``value`` is a ``str`` for categorical attributes, a number for numeric ones (dates as
    :func:`epoch_days`), or ``None`` for an unknown only relations constrain.
    """

    id: str
    subject: str
    attribute: str
    value: str | float | None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    evidence: tuple[str, ...] = ()
    stated_at: datetime | None = None
    polarity: bool = True

    @property
    def text(self) -> str:
        """Human-readable form, e.g. ``alice likes not coffee``."""
        value = "?" if self.value is None else _fmt(self.value)
        return f"{self.subject} {self.attribute} {'' if self.polarity else 'not '}{value}"


@dataclass(frozen=True)
class Relation:
    """A relative claim between two numeric claims: ``value(b) - value(a) = offset``."""

    id: str
    a: str
    b: str
    offset: float
    evidence: tuple[str, ...] = ()
    stated_at: datetime | None = None

    @property
    def text(self) -> str:
        return f"{self.b} - {self.a} = {_fmt(self.offset)}"


@dataclass(frozen=True)
class Side:
    """One side of a contradiction: what was said, where (turn ids) and when."""

    id: str
    text: str
    evidence: tuple[str, ...]
    stated_at: datetime | None
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    @classmethod
    def of(cls, item: Claim | Relation) -> Side:
        if isinstance(item, Relation):
            return cls(item.id, item.text, item.evidence, item.stated_at)
        return cls(
            item.id, item.text, item.evidence, item.stated_at, item.valid_from, item.valid_to
        )


@dataclass(frozen=True)
class Contradiction:
    """Claims (and relations) no single assignment of values can satisfy together.

    ``conflict``: overlapping claims assert two different values; ``claims`` holds every claim
    of either value that clashes (restatements included), oldest first when times are known.
    ``cycle``: a loop of relations, observations and unknowns that does not close. ``gap`` is by
    how much (in the attribute's units; 1 for a categorical clash), ``severity`` maps it into
    [0, 1], ``residual`` is the least-squares residual its edges carry and ``blame`` that share
    relative to the most blamed edge of its component. ``winner`` names the newest claim when the
    hint is "newer claim wins".
    """

    kind: Kind
    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...]
    sides: tuple[Side, ...]
    gap: float
    severity: float
    residual: float
    blame: float
    hint: Hint
    winner: str | None = None

    @property
    def ids(self) -> frozenset[str]:
        """Every claim and relation id involved."""
        return frozenset(s.id for s in self.sides)

    @property
    def evidence(self) -> tuple[tuple[str, ...], ...]:
        """Evidence turn ids, one tuple per side."""
        return tuple(s.evidence for s in self.sides)


@dataclass(frozen=True)
class Supersession:
    """``new`` replaced ``old``: same subject and attribute, later and non-overlapping."""

    old: Claim
    new: Claim


@dataclass(frozen=True)
class SheafReport:
    """Everything :func:`check` found; ``obstruction`` is ‖c − δx*‖ over all components."""

    contradictions: tuple[Contradiction, ...]
    supersessions: tuple[Supersession, ...]
    obstruction: float

    @property
    def consistent(self) -> bool:
        return not self.contradictions


def readable(
    c: Contradiction, said: Mapping[str, str], implied: Callable[[Claim], str]
) -> Contradiction:
    """Sides read as what was said, each numeric claim followed by what it implies
    (``implied``, e.g. "born ≈ 1991.5"); unknowns (values only relations pin down) left out."""
    by_id = {x.id: x for x in c.claims}
    sides = []
    for side in c.sides:
        claim = by_id.get(side.id)
        if claim is not None and claim.value is None:
            continue
        text = said.get(side.id) or side.text
        if claim is not None and isinstance(claim.value, float):
            text = f"{text} ({implied(claim)})"
        sides.append(replace(side, text=text))
    return replace(c, sides=tuple(sides))


def epoch_days(when: datetime) -> float:
    """A datetime as days since 1970-01-01 UTC (naive datetimes are taken as UTC)."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return (aware - _EPOCH).total_seconds() / 86_400.0


# ---- the augmented graph ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Edge:
    """An edge u → v, its kept coordinates, its target per coordinate and its scale."""

    u: int  # GROUND for an anchor
    v: int
    layers: tuple[str, ...]
    target: tuple[float, ...]
    scale: float
    relation: Relation | None = None


@dataclass(frozen=True)
class _Sheaf:
    claims: tuple[Claim, ...]
    stalks: tuple[tuple[str, ...], ...]
    edges: tuple[_Edge, ...]


@dataclass(frozen=True)
class _Cycle:
    """A fundamental cycle that does not close: its edges, vertices in order and holonomy."""

    edges: frozenset[int]
    vertices: tuple[int, ...]
    gap: float
    scale: float
    numeric: bool


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
    index = _validate(cs, rs)
    groups = _groups(cs)
    unit = {_norm(k): float(v) for k, v in (scales or {}).items()}
    multi = {_norm(a) for a in multi_valued}
    sheaf = _build(cs, rs, index, groups, multi, unit)
    # a lone claim (at most one anchor) always agrees with itself: no need to solve for it
    comps = [c for c in _components(sheaf) if any(sheaf.edges[n].u != GROUND for n in c)]
    per_edge = _solve(sheaf, comps)
    found: list[Contradiction] = []
    squared = 0.0
    for comp in comps:
        r2 = float(np.sum(per_edge[comp] ** 2))
        squared += r2
        if math.sqrt(r2) >= _quiet_floor(sheaf, comp, tolerance):
            found += _localise(sheaf, comp, per_edge[comp], tolerance)
    found += _negated_numbers(cs, groups, unit, tolerance)
    found.sort(key=lambda c: (-c.severity, -c.blame, sorted(c.ids)))
    return SheafReport(tuple(found), tuple(_supersessions(cs, groups, multi)), math.sqrt(squared))


# ---- validation and grouping -----------------------------------------------------------------


def _validate(claims: Sequence[Claim], relations: Sequence[Relation]) -> dict[str, int]:
    """Claim id → vertex; rejects duplicate ids, bad values, empty intervals, dangling ids."""
    _check_clocks(claims, relations)
    index: dict[str, int] = {}
    for i, c in enumerate(claims):
        where = f"claim {c.id}"
        if c.id in index:
            raise ValidationError("duplicate id", where=where)
        index[c.id] = i
        if isinstance(c.value, bool) or (
            isinstance(c.value, int | float) and not math.isfinite(c.value)
        ):
            raise ValidationError("value must be a string, a finite number or None", where=where)
        if isinstance(c.value, str) and not _norm(c.value):
            raise ValidationError("a text value must not be blank", where=where)
        if c.value is None and not c.polarity:
            raise ValidationError("an unknown value cannot be negated", where=where)
        if c.valid_from and c.valid_to and c.valid_from >= c.valid_to:
            raise ValidationError("valid_from must be before valid_to", where=where)
    seen = set(index)
    for r in relations:
        where = f"relation {r.id}"
        if r.id in seen or r.a not in index or r.b not in index or r.a == r.b:
            raise ValidationError("needs a fresh id and two distinct known claims", where=where)
        if not math.isfinite(r.offset):
            raise ValidationError("offset must be finite", where=where)
        seen.add(r.id)
    return index


def _check_clocks(claims: Sequence[Claim], relations: Sequence[Relation]) -> None:
    """All datetimes must be naive or all aware; mixing them makes comparisons fail later."""
    times = [t for c in claims for t in (c.valid_from, c.valid_to, c.stated_at) if t]
    times += [r.stated_at for r in relations if r.stated_at]
    if len({t.tzinfo is None for t in times}) > 1:
        raise ValidationError("mix of naive and timezone-aware datetimes", where="claims")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _fmt(value: str | float) -> str:
    return value if isinstance(value, str) else f"{value:g}"


def _groups(claims: Sequence[Claim]) -> dict[tuple[str, str], list[int]]:
    """Vertices per (subject, attribute); raises when one attribute mixes text and numbers."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        groups[(_norm(c.subject), _norm(c.attribute))].append(i)
    for (subject, attribute), members in groups.items():
        kinds = {isinstance(claims[i].value, str) for i in members if claims[i].value is not None}
        if len(kinds) > 1:
            raise ValidationError("mixes text and numeric values", where=f"{subject} {attribute}")
    return dict(groups)


def _categorical(claims: Sequence[Claim], members: Sequence[int]) -> bool:
    return any(isinstance(claims[i].value, str) for i in members)


def _overlap(a: Claim, b: Claim) -> bool:
    """Do the half-open validity intervals meet? ``None`` bounds are open."""
    a_before_b_ends = a.valid_from is None or b.valid_to is None or a.valid_from < b.valid_to
    b_before_a_ends = b.valid_from is None or a.valid_to is None or b.valid_from < a.valid_to
    return a_before_b_ends and b_before_a_ends


# ---- building the sheaf ----------------------------------------------------------------------


def _build(
    claims: tuple[Claim, ...],
    relations: Sequence[Relation],
    index: Mapping[str, int],
    groups: Mapping[tuple[str, str], list[int]],
    multi: Collection[str],
    unit: Mapping[str, float],
) -> _Sheaf:
    """Stalks per vertex, then identity, offset and anchor edges."""
    stalks: list[tuple[str, ...]] = [()] * len(claims)
    scale = [_scale(unit, c.attribute) for c in claims]
    edges: list[_Edge] = []
    for (_, attribute), members in groups.items():
        categorical = _categorical(claims, members)
        values = tuple(
            sorted({_norm(str(claims[i].value)) for i in members if claims[i].value is not None})
        )
        for i in members:
            stalks[i] = _stalk(claims[i], categorical, values, attribute in multi)
        edges += _identity_edges(claims, members, stalks, scale[members[0]])
    edges += [_offset_edge(r, index, claims, stalks, scale) for r in relations]
    edges += [
        _anchor(i, c, stalks[i], scale[i])
        for i, c in enumerate(claims)
        if c.value is not None and stalks[i]
    ]
    return _Sheaf(claims, tuple(stalks), tuple(edges))


def _scale(unit: Mapping[str, float], attribute: str) -> float:
    value = unit.get(_norm(attribute), 1.0)
    if not (value > 0 and math.isfinite(value)):
        raise ValidationError("scale must be a positive number", where=f"scales[{attribute}]")
    return value


def _stalk(
    claim: Claim, categorical: bool, values: tuple[str, ...], multi: bool
) -> tuple[str, ...]:
    """The coordinates a claim speaks for (empty: a negated number, outside the sheaf)."""
    if not categorical:
        return (NUMERIC,) if claim.polarity else ()
    if claim.value is None:
        return ()  # an unknown category has nothing to compare
    if claim.polarity and not multi:
        return values
    return (_norm(str(claim.value)),)


def _identity_edges(
    claims: Sequence[Claim], members: Sequence[int], stalks: Sequence[tuple[str, ...]], scale: float
) -> Iterator[_Edge]:
    """Identity restriction onto shared coordinates, for every overlapping pair."""
    for i, j in combinations(members, 2):
        shared = tuple(k for k in stalks[i] if k in stalks[j])
        if shared and _overlap(claims[i], claims[j]):
            yield _Edge(i, j, shared, (0.0,) * len(shared), scale)


def _offset_edge(
    relation: Relation,
    index: Mapping[str, int],
    claims: Sequence[Claim],
    stalks: Sequence[tuple[str, ...]],
    scale: Sequence[float],
) -> _Edge:
    a, b = index[relation.a], index[relation.b]
    if stalks[a] != (NUMERIC,) or stalks[b] != (NUMERIC,):
        raise ValidationError("relates claims that are not positive numbers", where=relation.id)
    return _Edge(a, b, (NUMERIC,), (float(relation.offset),), max(scale[a], scale[b]), relation)


def _anchor(i: int, claim: Claim, stalk: tuple[str, ...], scale: float) -> _Edge:
    """The data term ground → claim: the observed one-hot slice or number."""
    if isinstance(claim.value, str):
        own, hit = _norm(claim.value), 1.0 if claim.polarity else 0.0
        target = tuple(hit if k == own else 0.0 for k in stalk)
    else:
        target = (float(claim.value or 0.0),)
    return _Edge(GROUND, i, stalk, target, scale)


def _components(sheaf: _Sheaf) -> list[list[int]]:
    """Edge indices per connected component of the claim graph (ground not counted)."""
    parent = list(range(len(sheaf.claims)))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for e in sheaf.edges:
        if e.u != GROUND:
            parent[find(e.u)] = find(e.v)
    comps: dict[int, list[int]] = defaultdict(list)
    for n, e in enumerate(sheaf.edges):
        comps[find(e.v)].append(n)
    return list(comps.values())


# ---- solving and localising ------------------------------------------------------------------


def _solve(sheaf: _Sheaf, comps: Sequence[list[int]]) -> FloatArray:
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


def _quiet_floor(sheaf: _Sheaf, comp: Sequence[int], tolerance: float) -> float:
    """Below this ‖r‖ no cycle of the component can miss closing by more than tolerance.

    A cycle with holonomy h is a vector y in ker δᵀ with ⟨y, c⟩ = h and ‖y‖ ≤ s_max √L in the
    weighted rows, so ‖r‖ ≥ |h| / (s_max √L); it is reported when |h| > tolerance · s_min.
    """
    scales = [sheaf.edges[n].scale for n in comp]
    return 0.5 * tolerance * min(scales) / (max(scales) * math.sqrt(len(comp) + 1))


def _localise(
    sheaf: _Sheaf, edge_ids: list[int], per_edge: FloatArray, tolerance: float
) -> list[Contradiction]:
    """The fundamental cycles of one component whose holonomy exceeds tolerance, as reports."""
    edges = [sheaf.edges[n] for n in edge_ids]
    cycles: dict[frozenset[int], _Cycle] = {}
    for layer in sorted({k for e in edges for k in e.layers}):
        for cyc in _open_cycles(edges, layer, tolerance):
            if cyc.edges not in cycles or cycles[cyc.edges].gap < cyc.gap:
                cycles[cyc.edges] = cyc
    worst = max((float(per_edge[n]) for n, e in enumerate(edges) if e.u != GROUND), default=0.0)
    direct: dict[frozenset[object], list[_Cycle]] = defaultdict(list)
    found = []
    position = {v: _position(sheaf.claims[v]) for e in edges for v in (e.u, e.v) if v != GROUND}
    for cyc in cycles.values():
        pair = [v for v in cyc.vertices if v != GROUND]
        if len(pair) == 2 and all(edges[n].relation is None for n in cyc.edges):
            direct[frozenset(position[v] for v in pair)].append(cyc)
        else:
            found.append(_report(sheaf, edges, per_edge, worst, [cyc], "cycle"))
    # one conflict per pair of positions: restating Paris five times is one side, not five
    found += [_report(sheaf, edges, per_edge, worst, cs, "conflict") for cs in direct.values()]
    return found


def _position(claim: Claim) -> tuple[str, str, str, bool]:
    """What a claim asserts, up to wording: subject, attribute, value, polarity."""
    value = claim.value
    value = (
        _norm(value) if isinstance(value, str) else repr(None if value is None else float(value))
    )
    return _norm(claim.subject), _norm(claim.attribute), value, claim.polarity


def _open_cycles(edges: Sequence[_Edge], layer: str, tolerance: float) -> Iterator[_Cycle]:
    """Fundamental cycles of a BFS forest (rooted at ground) whose holonomy exceeds tolerance."""
    here = [
        (n, e, e.target[e.layers.index(layer)]) for n, e in enumerate(edges) if layer in e.layers
    ]
    adj: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for n, e, t in here:
        adj[e.u].append((e.v, n, t))
        adj[e.v].append((e.u, n, -t))
    phi, parent = _bfs_forest(adj)
    tree = {n for _, n in parent.values()}
    for n, e, t in here:
        gap = abs(t - (phi[e.v] - phi[e.u]))
        if n not in tree and gap / e.scale > tolerance:
            path, verts = _tree_path(parent, e.u, e.v)
            yield _Cycle(frozenset([*path, n]), verts, gap, e.scale, layer == NUMERIC)


def _bfs_forest(
    adj: Mapping[int, list[tuple[int, int, float]]],
) -> tuple[dict[int, float], dict[int, tuple[int, int]]]:
    """Potential φ (tree edges satisfied exactly) and parent (vertex, edge) per vertex."""
    phi: dict[int, float] = {}
    parent: dict[int, tuple[int, int]] = {}
    for root in sorted(adj):  # GROUND = -1 sorts first, so observed values root the tree
        if root in phi:
            continue
        phi[root] = 0.0
        queue = deque([root])
        while queue:
            here = queue.popleft()
            for there, n, t in adj[here]:
                if there not in phi:
                    phi[there] = phi[here] + t
                    parent[there] = (here, n)
                    queue.append(there)
    return phi, parent


def _tree_path(
    parent: Mapping[int, tuple[int, int]], u: int, v: int
) -> tuple[list[int], tuple[int, ...]]:
    """Tree edges and vertices from v back to u through their lowest common ancestor."""
    (pu, nu), (pv, nv) = parent.get(u, (u, -1)), parent.get(v, (v, -1))
    if pu == pv and pu not in (u, v):  # siblings, e.g. two observed claims under the ground
        return [nu, nv], (u, v, pu)
    up_u, up_v = _ancestry(parent, u), _ancestry(parent, v)
    common = next(w for w, _ in up_u if w in {x for x, _ in up_v})
    left = up_u[: [w for w, _ in up_u].index(common)]
    right = up_v[: [w for w, _ in up_v].index(common)]
    edges = [n for _, n in left + right]
    verts = (*[w for w, _ in reversed(left)], *[w for w, _ in right], common)
    return edges, tuple(dict.fromkeys(verts))


def _ancestry(parent: Mapping[int, tuple[int, int]], v: int) -> list[tuple[int, int]]:
    """(vertex, edge to its parent) from v to the root; the root comes with edge -1."""
    chain = []
    while v in parent:
        up, n = parent[v]
        chain.append((v, n))
        v = up
    chain.append((v, -1))
    return chain


# ---- reporting -------------------------------------------------------------------------------


def _report(
    sheaf: _Sheaf,
    edges: Sequence[_Edge],
    per_edge: FloatArray,
    worst: float,
    cycles: Sequence[_Cycle],
    kind: Kind,
) -> Contradiction:
    """One contradiction from open cycles (several when restatements share the two sides)."""
    ids = frozenset().union(*(c.edges for c in cycles))
    verts = dict.fromkeys(v for c in cycles for v in c.vertices if v != GROUND)
    claims = tuple(sheaf.claims[v] for v in verts)
    relations = tuple(r for r in (edges[n].relation for n in sorted(ids)) if r is not None)
    hint, winner = ASK_USER, None
    if kind == "conflict":
        claims, hint, winner = _resolve(claims)
    worst_cycle = max(cycles, key=lambda c: c.gap / c.scale)
    g = worst_cycle.gap / worst_cycle.scale
    inner = [float(per_edge[n]) for n in ids if edges[n].u != GROUND]
    return Contradiction(
        kind=kind,
        claims=claims,
        relations=relations,
        sides=(*map(Side.of, claims), *map(Side.of, relations)),
        gap=worst_cycle.gap,
        severity=g / (1.0 + g) if worst_cycle.numeric else min(1.0, worst_cycle.gap),
        residual=math.sqrt(sum(float(per_edge[n]) ** 2 for n in ids)),
        blame=min(1.0, max(inner, default=0.0) / worst) if worst > 0 else 0.0,
        hint=hint,
        winner=winner,
    )


def _resolve(claims: tuple[Claim, ...]) -> tuple[tuple[Claim, ...], Hint, str | None]:
    """Oldest first; the newest (by statement, else validity start) wins if it is unique."""
    for when in (_stated_at, _valid_from):
        times = [when(c) for c in claims]
        known = [t for t in times if t is not None]
        if len(known) == len(claims) and known.count(max(known)) == 1:
            ordered = tuple(c for _, c in sorted(zip(known, claims, strict=True), key=_first))
            return ordered, NEWER_WINS, ordered[-1].id
    return claims, ASK_USER, None


def _stated_at(claim: Claim) -> datetime | None:
    return claim.stated_at


def _valid_from(claim: Claim) -> datetime | None:
    return claim.valid_from


def _first(pair: tuple[datetime, Claim]) -> datetime:
    return pair[0]


def _negated_numbers(
    claims: Sequence[Claim],
    groups: Mapping[tuple[str, str], list[int]],
    unit: Mapping[str, float],
    tolerance: float,
) -> list[Contradiction]:
    """A negated number against an overlapping equal one: ``≠`` has no linear restriction map."""
    found = []
    for members in groups.values():
        if _categorical(claims, members) or all(claims[i].polarity for i in members):
            continue
        for i, j in combinations(members, 2):
            neg, pos = (claims[i], claims[j]) if claims[j].polarity else (claims[j], claims[i])
            if neg.polarity or not pos.polarity or pos.value is None or neg.value is None:
                continue
            close = abs(float(pos.value) - float(neg.value)) <= tolerance * _scale(
                unit, pos.attribute
            )
            if close and _overlap(pos, neg):
                both, hint, winner = _resolve((neg, pos))
                sides = tuple(map(Side.of, both))
                found.append(
                    Contradiction("conflict", both, (), sides, 0.0, 1.0, 0.0, 1.0, hint, winner)
                )
    return found


def _supersessions(
    claims: Sequence[Claim], groups: Mapping[tuple[str, str], list[int]], multi: Collection[str]
) -> Iterator[Supersession]:
    """Each closed claim is superseded by the differing claims that start first after it ends.

    For a multi-valued attribute only the same value can be superseded ("likes tea" does not
    replace "likes coffee"; "no longer likes coffee" does).
    """
    for (_, attribute), members in groups.items():
        for i in members:
            end, here = claims[i].valid_to, _position(claims[i])
            same = [
                j for j in members if attribute not in multi or _position(claims[j])[2] == here[2]
            ]
            later = {j: s for j in same if end and (s := claims[j].valid_from) and s >= end}
            first = min(later.values(), default=None)
            for j, start in later.items():
                if start == first and _position(claims[j]) != here:
                    yield Supersession(claims[i], claims[j])
