"""Event dates and relative claims between events, checked with the sheaf (query/sheaf/).

Each EVENT_DATE fact ("wedding on 2023-06") is a claim on the event's date in days since
1970-01-01 (the midpoint of its span); each EVENT_OFFSET fact ("move after wedding by 2 months")
is an offset edge ``date(move) - date(wedding) = 2 × 30.44 days`` between the events' first dated
claims, or an unknown date when nothing dates the event. Claims of one event are tied by
identity edges, so "married in June 2023" said twice agrees and "in 2019" against it clashes.

A date at a coarse grain is an interval, not a point: "moved in August 2023" is any day of
August, and "two months after" anything from one and a half to two and a half months. So a cycle
that the sheaf finds open (by more than a day) is reported only when its gap exceeds the sum of
the half-widths of the claims on it and the half-units of its relations (``slack``): "moved in
August" two months after a June 3 wedding is consistent, two months *before* it is not.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from strata.ingest.extract.relations import UNIT_DAYS
from strata.ingest.models import Predicate
from strata.query.sheaf import Claim, Contradiction, Relation, check, epoch_days, readable

EVENT_DATE = Predicate.EVENT_DATE.value
EVENT_OFFSET = Predicate.EVENT_OFFSET.value
DATE_OF = "date (days) of"  # + the event key
TOLERANCE_DAYS = 1.0
MIN_CONFIDENCE = 0.7  # hedged dates and offsets are stored, never checked
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "winter": 12}
_SPAN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2})(-weekend)?|-([a-z]+))?")
_AFTER = re.compile(r"(?P<b>.+) after (?P<a>.+) by (?P<n>-?\d+) (?P<unit>day|week|month|year)s?")


def span_days(key: str) -> tuple[float, float] | None:
    """A span key (``2023-06-03``, ``2023-W19``, ``2023-W19-weekend``, ``2023-06``,
    ``2023-summer``, ``2023``) as ``[start, end)`` in epoch days."""
    m = _SPAN.fullmatch(key)
    if m is None:
        return None
    year, month, day, week, weekend, season = m.groups()
    try:
        if week:
            start = datetime.fromisocalendar(int(year), int(week), 6 if weekend else 1)
            width: timedelta | relativedelta = timedelta(days=2 if weekend else 7)
        elif season:
            start, width = datetime(int(year), _SEASONS[season], 1), relativedelta(months=3)
        elif day:
            start, width = datetime(int(year), int(month), int(day)), timedelta(days=1)
        elif month:
            start, width = datetime(int(year), int(month), 1), relativedelta(months=1)
        else:
            start, width = datetime(int(year), 1, 1), relativedelta(years=1)
    except (KeyError, ValueError):
        return None
    start = start.replace(tzinfo=UTC)
    return epoch_days(start), epoch_days(start + width)


def _usable(f: dict[str, Any]) -> bool:
    return bool(f["polarity"]) and (f.get("confidence") or 1.0) >= MIN_CONFIDENCE


def event_claims(
    facts: list[dict[str, Any]],
) -> tuple[list[Claim], list[Relation], dict[str, float]]:
    """Date claims, offset relations and each one's slack (half-width, days) from fact rows."""
    claims: list[Claim] = []
    relations: list[Relation] = []
    slack: dict[str, float] = {}
    ends: list[tuple[Relation, str]] = []  # a relation between event keys, and its subject
    for f in facts:
        if f["predicate"] not in (EVENT_DATE, EVENT_OFFSET) or not _usable(f):
            continue
        if f["predicate"] == EVENT_DATE:
            key, _, when = str(f["object"]).rpartition(" on ")
            span = span_days(when)
            if key and span is not None:
                claims.append(_claim(f, key, (span[0] + span[1]) / 2))
                slack[f["id"]] = (span[1] - span[0]) / 2
            continue
        m = _AFTER.fullmatch(str(f["object"]))
        if m is None or m["a"] == m["b"]:
            continue
        unit = UNIT_DAYS[m["unit"]]
        offset = int(m["n"]) * unit
        r = Relation(f["id"], m["a"], m["b"], offset, tuple(f["evidence"]), f["stated_at"])
        relations.append(r)
        slack[f["id"]] = max(TOLERANCE_DAYS, unit / 2)
        ends.append((r, f["subject"]))
    first: dict[tuple[str, str], str] = {}
    for c in sorted(claims, key=lambda c: c.id, reverse=True):
        first[(c.subject, c.attribute)] = c.id
    bound = []
    for r, subject in ends:
        ids = []
        for key in (r.a, r.b):
            at = (subject, f"{DATE_OF} {key}")
            if at not in first:
                first[at] = f"event:{subject}:{key}"
                claims.append(Claim(first[at], subject, at[1], None))
            ids.append(first[at])
        bound.append(replace(r, a=ids[0], b=ids[1]))
    return claims, bound, slack


def _claim(f: dict[str, Any], key: str, day: float) -> Claim:
    return Claim(
        id=f["id"],
        subject=f["subject"],
        attribute=f"{DATE_OF} {key}",
        value=round(day, 3),
        evidence=tuple(f["evidence"]),
        stated_at=f["stated_at"],
    )


def check_events(facts: list[dict[str, Any]]) -> list[Contradiction]:
    """Contradictions among event dates and relative claims, beyond the grain of each date."""
    claims, relations, slack = event_claims(facts)
    if not relations and len(claims) < 2:
        return []
    report = check(claims, relations, tolerance=TOLERANCE_DAYS)
    said = {f["id"]: f.get("text") or "" for f in facts}
    found = []
    for c in report.contradictions:
        allowed = sum(slack.get(i, 0.0) for i in c.ids)
        if c.gap > allowed + TOLERANCE_DAYS:
            found.append(readable(c, said, _on))
    return found


def _on(claim: Claim) -> str:
    assert isinstance(claim.value, float)
    return f"on ≈ {datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=claim.value):%Y-%m-%d}"
