"""The augmented graph the check solves on: validated claims, their stalks and edges.

Vertices are claims (indices into the sorted claims) plus :data:`GROUND`; an edge keeps the
coordinates its two stalks share and a target per coordinate (see the package docstring).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from strata.graph.errors import ValidationError
from strata.query.sheaf.models import Claim, Relation, norm

GROUND = -1  # the vertex that carries observed values
NUMERIC = ""  # the single coordinate of a numeric stalk

FloatArray = npt.NDArray[np.float64]

# ---- the augmented graph ---------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """An edge u → v, its kept coordinates, its target per coordinate and its scale."""

    u: int  # GROUND for an anchor
    v: int
    layers: tuple[str, ...]
    target: tuple[float, ...]
    scale: float
    relation: Relation | None = None


@dataclass(frozen=True)
class Sheaf:
    claims: tuple[Claim, ...]
    stalks: tuple[tuple[str, ...], ...]
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Cycle:
    """A fundamental cycle that does not close: its edges, vertices in order and holonomy."""

    edges: frozenset[int]
    vertices: tuple[int, ...]
    gap: float
    scale: float
    numeric: bool


# ---- validation and grouping -----------------------------------------------------------------


def validate(claims: Sequence[Claim], relations: Sequence[Relation]) -> dict[str, int]:
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
        if isinstance(c.value, str) and not norm(c.value):
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


def claim_groups(claims: Sequence[Claim]) -> dict[tuple[str, str], list[int]]:
    """Vertices per (subject, attribute); raises when one attribute mixes text and numbers."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, c in enumerate(claims):
        groups[(norm(c.subject), norm(c.attribute))].append(i)
    for (subject, attribute), members in groups.items():
        kinds = {isinstance(claims[i].value, str) for i in members if claims[i].value is not None}
        if len(kinds) > 1:
            raise ValidationError("mixes text and numeric values", where=f"{subject} {attribute}")
    return dict(groups)


def is_categorical(claims: Sequence[Claim], members: Sequence[int]) -> bool:
    return any(isinstance(claims[i].value, str) for i in members)


def overlap(a: Claim, b: Claim) -> bool:
    """Do the half-open validity intervals meet? ``None`` bounds are open."""
    a_before_b_ends = a.valid_from is None or b.valid_to is None or a.valid_from < b.valid_to
    b_before_a_ends = b.valid_from is None or a.valid_to is None or b.valid_from < a.valid_to
    return a_before_b_ends and b_before_a_ends


def claim_position(claim: Claim) -> tuple[str, str, str, bool]:
    """What a claim asserts, up to wording: subject, attribute, value, polarity."""
    value = claim.value
    value = norm(value) if isinstance(value, str) else repr(None if value is None else float(value))
    return norm(claim.subject), norm(claim.attribute), value, claim.polarity


# ---- building the sheaf ----------------------------------------------------------------------


def build(
    claims: tuple[Claim, ...],
    relations: Sequence[Relation],
    index: Mapping[str, int],
    groups: Mapping[tuple[str, str], list[int]],
    multi: Collection[str],
    unit: Mapping[str, float],
) -> Sheaf:
    """Stalks per vertex, then identity, offset and anchor edges."""
    stalks: list[tuple[str, ...]] = [()] * len(claims)
    scale = [attribute_scale(unit, c.attribute) for c in claims]
    edges: list[Edge] = []
    for (_, attribute), members in groups.items():
        categorical = is_categorical(claims, members)
        values = tuple(
            sorted({norm(str(claims[i].value)) for i in members if claims[i].value is not None})
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
    return Sheaf(claims, tuple(stalks), tuple(edges))


def attribute_scale(unit: Mapping[str, float], attribute: str) -> float:
    value = unit.get(norm(attribute), 1.0)
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
    return (norm(str(claim.value)),)


def _identity_edges(
    claims: Sequence[Claim], members: Sequence[int], stalks: Sequence[tuple[str, ...]], scale: float
) -> Iterator[Edge]:
    """Identity restriction onto shared coordinates, for every overlapping pair."""
    for i, j in combinations(members, 2):
        shared = tuple(k for k in stalks[i] if k in stalks[j])
        if shared and overlap(claims[i], claims[j]):
            yield Edge(i, j, shared, (0.0,) * len(shared), scale)


def _offset_edge(
    relation: Relation,
    index: Mapping[str, int],
    claims: Sequence[Claim],
    stalks: Sequence[tuple[str, ...]],
    scale: Sequence[float],
) -> Edge:
    a, b = index[relation.a], index[relation.b]
    if stalks[a] != (NUMERIC,) or stalks[b] != (NUMERIC,):
        raise ValidationError("relates claims that are not positive numbers", where=relation.id)
    return Edge(a, b, (NUMERIC,), (float(relation.offset),), max(scale[a], scale[b]), relation)


def _anchor(i: int, claim: Claim, stalk: tuple[str, ...], scale: float) -> Edge:
    """The data term ground → claim: the observed one-hot slice or number."""
    if isinstance(claim.value, str):
        own, hit = norm(claim.value), 1.0 if claim.polarity else 0.0
        target = tuple(hit if k == own else 0.0 for k in stalk)
    else:
        target = (float(claim.value or 0.0),)
    return Edge(GROUND, i, stalk, target, scale)


def components(sheaf: Sheaf) -> list[list[int]]:
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
