"""Contradictions from open cycles, negated numbers and supersessions, as the report reads them."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import combinations

from strata.query.sheaf.build import (
    GROUND,
    Cycle,
    Edge,
    FloatArray,
    Sheaf,
    attribute_scale,
    claim_position,
    is_categorical,
    overlap,
)
from strata.query.sheaf.models import (
    ASK_USER,
    NEWER_WINS,
    Claim,
    Contradiction,
    Hint,
    Kind,
    Side,
    Supersession,
)


def to_contradiction(
    sheaf: Sheaf,
    edges: Sequence[Edge],
    per_edge: FloatArray,
    worst: float,
    cycles: Sequence[Cycle],
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


def negated_numbers(
    claims: Sequence[Claim],
    groups: Mapping[tuple[str, str], list[int]],
    unit: Mapping[str, float],
    tolerance: float,
) -> list[Contradiction]:
    """A negated number against an overlapping equal one: ``≠`` has no linear restriction map."""
    found = []
    for members in groups.values():
        if is_categorical(claims, members) or all(claims[i].polarity for i in members):
            continue
        for i, j in combinations(members, 2):
            neg, pos = (claims[i], claims[j]) if claims[j].polarity else (claims[j], claims[i])
            if neg.polarity or not pos.polarity or pos.value is None or neg.value is None:
                continue
            close = abs(float(pos.value) - float(neg.value)) <= tolerance * attribute_scale(
                unit, pos.attribute
            )
            if close and overlap(pos, neg):
                both, hint, winner = _resolve((neg, pos))
                sides = tuple(map(Side.of, both))
                found.append(
                    Contradiction("conflict", both, (), sides, 0.0, 1.0, 0.0, 1.0, hint, winner)
                )
    return found


def supersessions(
    claims: Sequence[Claim], groups: Mapping[tuple[str, str], list[int]], multi: Collection[str]
) -> Iterator[Supersession]:
    """Each closed claim is superseded by the differing claims that start first after it ends.

    For a multi-valued attribute only the same value can be superseded ("likes tea" does not
    replace "likes coffee"; "no longer likes coffee" does).
    """
    for (_, attribute), members in groups.items():
        for i in members:
            end, here = claims[i].valid_to, claim_position(claims[i])
            same = [
                j
                for j in members
                if attribute not in multi or claim_position(claims[j])[2] == here[2]
            ]
            later = {j: s for j in same if end and (s := claims[j].valid_from) and s >= end}
            first = min(later.values(), default=None)
            for j, start in later.items():
                if start == first and claim_position(claims[j]) != here:
                    yield Supersession(claims[i], claims[j])
