"""Stage 6 of a plan: the facts an answer touches, checked with the sheaf (query/sheaf/)."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from strata.ingest.extract.durations import activity_stem
from strata.ingest.extract.numbers import birth_years, year_fraction
from strata.ingest.models import SINGLE_VALUED, Predicate
from strata.query.event_sheaf import EVENT_DATE, EVENT_OFFSET, check_events
from strata.query.sheaf import (
    Claim,
    Contradiction,
    Relation,
    SheafReport,
    Supersession,
    check,
    readable,
)

__all__ = ["Contradiction", "SheafReport", "check_facts", "to_json", "update_json"]

MULTI_VALUED = tuple(p.value for p in Predicate if p not in SINGLE_VALUED)
NUMERIC = (
    Predicate.AGE.value,
    Predicate.BORN.value,
    Predicate.SINCE.value,
    Predicate.EVENT_DATE.value,
    Predicate.EVENT_OFFSET.value,
    Predicate.OLDER_THAN.value,  # last: the planner reads the other person from its object
)
COUNT = Predicate.COUNT.value
NUMERIC_ONLY = frozenset(
    {Predicate.BORN.value, Predicate.OLDER_THAN.value, Predicate.SINCE.value}
    | {EVENT_DATE, EVENT_OFFSET}
)
# Ages, birth dates and age gaps all bound one unknown per person: the birth time in years. An
# age a said at t puts it in (t - a - 1, t - a], a year "1985" in [1985, 1986); each claim is the
# midpoint, so two claims whose intervals meet are less than one year apart: a gap of a year or
# more (tolerance 1, scale 1 year) is a contradiction, and aging between statements is none.
BIRTH = "birth (years)"
START = "start (years) of"  # + the activity's stem: "married for 5 years" and "married in 2019"
SCALES = {BIRTH: 1.0}
NUMERIC_TOLERANCE = 1.0
MIN_CONFIDENCE = 0.7  # hedged numbers ("about 30", "I think") are stored, never checked


def check_facts(facts: list[dict[str, Any]], as_of: datetime | None = None) -> SheafReport:
    """Contradictions and updates among fact rows (``query/facts_for_turns``)."""
    facts = [
        f for f in facts if as_of is None or f["valid_from"] is None or f["valid_from"] <= as_of
    ]
    report = check(_categorical(facts), multi_valued=MULTI_VALUED)
    events = tuple(check_events(facts))
    claims, relations = birth_claims(facts)
    if not relations and len(claims) < 2:
        return replace(report, contradictions=report.contradictions + events)
    numbers = check(claims, relations, scales=SCALES, tolerance=NUMERIC_TOLERANCE)
    said = {f["id"]: f.get("text") or "" for f in facts}
    # "got married on June 3, 2023" is both a start date and an event date: one report per turns
    told = {frozenset(e for s in c.sides for e in s.evidence) for c in numbers.contradictions}
    events = tuple(
        e for e in events if frozenset(x for s in e.sides for x in s.evidence) not in told
    )
    return SheafReport(
        report.contradictions
        + tuple(readable(c, said, _born_or_since) for c in numbers.contradictions)
        + events,
        report.supersessions,
        math.hypot(report.obstruction, numbers.obstruction),
    )


def _categorical(facts: list[dict[str, Any]]) -> list[Claim]:
    claims = [
        Claim(
            id=f["id"],
            subject=f["subject"],
            attribute=f["predicate"],
            value=f["object"],
            valid_from=f["valid_from"],
            valid_to=f["valid_to"],
            evidence=tuple(f["evidence"]),
            stated_at=f["stated_at"],
            polarity=bool(f["polarity"]),
        )
        for f in facts
        if f["predicate"] not in NUMERIC_ONLY
        and not (isinstance(f["object"], str) and not f["object"].strip())  # stored by old ingest
        and not (f["predicate"] == COUNT and (f.get("confidence") or 1.0) < MIN_CONFIDENCE)
    ]
    return _counted(claims)


def _counted(claims: list[Claim]) -> list[Claim]:
    """A count ("2 children") is the one value of "count of children" for its subject: a
    different count said on another day replaces it (an update: a child was born), one said the
    same day contradicts it (two kids and three children cannot both hold)."""
    out = [c for c in claims if c.attribute != COUNT]
    groups: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        number, _, thing = str(c.value).partition(" ")
        if c.attribute == COUNT and thing:
            groups.setdefault((c.subject, thing), []).append(
                replace(c, attribute=f"count of {thing}", value=number)
            )
    for said in groups.values():
        said.sort(key=lambda c: (c.valid_from or datetime.min.replace(tzinfo=UTC), c.id))
        for c, later in zip(said, [*said[1:], None], strict=True):
            ends = later.valid_from if later and _day(later) != _day(c) else c.valid_to
            out.append(replace(c, valid_to=ends))
    return out


def _day(c: Claim) -> Any:
    return c.valid_from.date() if c.valid_from else None


def birth_claims(facts: list[dict[str, Any]]) -> tuple[list[Claim], list[Relation]]:
    """Ages, birth dates and age gaps as birth-time claims (years) and relations between people.

    Timeless (no validity): a birth date does not change, so "32" in 2024 and "33" in 2025 agree.
    """
    claims: list[Claim] = []
    relations: list[Relation] = []
    people: set[str] = set()
    for f in facts:
        if not f["polarity"] or (f.get("confidence") or 1.0) < MIN_CONFIDENCE:
            continue
        value = _birth(f)
        started = _start(f)
        if value is not None:
            claims.append(_birth_claim(f, f["subject"], value))
        elif started is not None:
            activity, value = started
            claims.append(replace(_birth_claim(f, f["subject"], value), attribute=activity))
        elif f["predicate"] == Predicate.OLDER_THAN.value:
            other, _, years = str(f["object"]).rpartition(" by ")
            try:
                gap = float(years)
            except ValueError:
                continue
            if other and other != f["subject"]:
                people |= {f["subject"], other}
                relations.append(
                    Relation(
                        f["id"],
                        f["subject"],
                        other,
                        gap,
                        tuple(f["evidence"]),
                        f["stated_at"],
                    )
                )
    # a relation binds a person's first observed birth claim (identity edges tie the rest), or
    # an unknown when nothing pins that person down
    births = sorted((c for c in claims if c.attribute == BIRTH), key=lambda c: c.id, reverse=True)
    anchor = {c.subject: c.id for c in births}
    for person in sorted(people - set(anchor)):
        claims.append(Claim(_unknown(person), person, BIRTH, None))
        anchor[person] = _unknown(person)
    relations = [replace(r, a=anchor[r.a], b=anchor[r.b]) for r in relations]
    return claims, relations


def _born_or_since(claim: Claim) -> str:
    assert isinstance(claim.value, float)
    return f"{'born' if claim.attribute == BIRTH else 'since'} ≈ {claim.value:.1f}"


def _unknown(person: str) -> str:
    return f"birth:{person}"


def _birth(f: dict[str, Any]) -> float | None:
    """The midpoint of the birth interval an AGE or BORN fact gives, in fractional years."""
    if f["predicate"] == Predicate.BORN.value:
        span = birth_years(str(f["object"]))
        return None if span is None else (span[0] + span[1]) / 2
    if f["predicate"] != Predicate.AGE.value:
        return None
    said = f["stated_at"] or f["valid_from"]
    try:
        age = float(f["object"])
    except (TypeError, ValueError):
        return None
    return None if said is None else year_fraction(said) - age - 0.5


def _start(f: dict[str, Any]) -> tuple[str, float] | None:
    """A SINCE fact as (attribute, start in fractional years): "married for 5 years" said at t
    started in (t - 6, t - 5]; "married in 2019" in 2019."""
    if f["predicate"] != Predicate.SINCE.value:
        return None
    text = str(f["object"])
    said = f["stated_at"] or f["valid_from"]
    m = re.fullmatch(r"(\w+) for (\d+) (years|months)", text)
    if m and said is not None:
        unit = 1.0 if m[3] == "years" else 1 / 12
        return _started(m[1]), year_fraction(said) - (int(m[2]) + 0.5) * unit
    m = re.fullmatch(r"(\w+) in (\S+)", text)
    span = birth_years(m[2]) if m else None
    return None if m is None or span is None else (_started(m[1]), (span[0] + span[1]) / 2)


def _started(activity: str) -> str:
    return f"{START} {activity_stem(activity)}"


def _birth_claim(f: dict[str, Any], person: str, value: float) -> Claim:
    return Claim(
        id=f["id"],
        subject=person,
        attribute=BIRTH,
        value=round(value, 4),
        evidence=tuple(f["evidence"]),
        stated_at=f["stated_at"],
    )


def to_json(c: Contradiction) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "severity": round(c.severity, 3),
        "gap": round(c.gap, 3),  # by how much the claims miss (years of birth, days of an event)
        "residual": round(c.residual, 3),  # the least-squares residual the sides' edges carry
        "hint": c.hint,
        "winner": c.winner,
        "sides": [
            {
                "id": s.id,
                "text": s.text,
                "evidence_turns": list(s.evidence),
                "stated_at": s.stated_at.isoformat() if s.stated_at else None,
                "valid_from": s.valid_from.isoformat() if s.valid_from else None,
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
            }
            for s in c.sides
        ],
    }


def update_json(u: Supersession) -> dict[str, Any]:
    """An update: the newer claim replaced the older one (not a contradiction)."""
    return {
        "old": {"id": u.old.id, "text": u.old.text, "evidence_turns": list(u.old.evidence)},
        "new": {"id": u.new.id, "text": u.new.text, "evidence_turns": list(u.new.evidence)},
        "since": u.new.valid_from.isoformat() if u.new.valid_from else None,
    }
