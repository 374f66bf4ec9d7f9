"""Rows of the aggregate statements shaped into results (weekly sums, persona, scenes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from strata.graph.analytics.results import (
    Conflict,
    ConflictSide,
    FactPoint,
    GrowthPoint,
    PersonaFact,
    Scenes,
    SceneStat,
)

Row = dict[str, Any]


def growth(rows: list[Row]) -> list[GrowthPoint]:
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: {"turns": 0, "interactions": 0})
    for r in rows:
        per_day[r["day"]][r["kind"]] += r["n"]
    return [GrowthPoint(day, **v) for day, v in sorted(per_day.items())]


def fact_points(rows: list[Row], conflict_days: list[Row]) -> list[FactPoint]:
    per_day: dict[str, dict[str, int]] = defaultdict(
        lambda: {"asserted": 0, "superseded": 0, "conflicts": 0}
    )
    for r in rows:
        per_day[r["day"]][r["kind"]] += r["n"]
    for r in conflict_days:
        per_day[r["day"]]["conflicts"] += r["n"]
    return [FactPoint(day, **v) for day, v in sorted(per_day.items())]


P = TypeVar("P", GrowthPoint, FactPoint)


def weekly(points: Iterable[P]) -> list[P]:
    """Sum daily points into ISO weeks labelled by their Monday."""
    weeks: dict[str, list[P]] = defaultdict(list)
    for p in points:
        day = date.fromisoformat(p.period)
        weeks[(day - timedelta(days=day.weekday())).isoformat()].append(p)
    out: list[P] = []
    for monday, group in sorted(weeks.items()):
        first = group[0]
        sums = {
            k: sum(getattr(p, k) for p in group)
            for k in type(first).__dataclass_fields__
            if k != "period"
        }
        out.append(type(first)(monday, **sums))
    return out


def persona(rows: list[Row], conflicts: list[Row]) -> list[PersonaFact]:
    clashing = {r["a"]["id"] for r in conflicts} | {r["b"]["id"] for r in conflicts}

    def status(r: Row) -> str:
        if r["valid_to"] is not None:
            return "superseded"
        return "conflict" if r["id"] in clashing else "current"

    return [
        PersonaFact(
            id=r["id"],
            subject=r["subject"],
            predicate=r["predicate"],
            object=r["object"],
            polarity=bool(r["polarity"]),
            confidence=r["confidence"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            text=r["text"] or "",
            superseded_by=r["superseded_by"],
            status=status(r),
        )
        for r in rows
    ]


def conflict(r: Row) -> Conflict:
    def side(s: Row) -> ConflictSide:
        return ConflictSide(
            s["id"],
            s["object"],
            bool(s["polarity"]),
            s["valid_from"],
            s["text"] or "",
            s["turn_id"],
        )

    return Conflict(r["subject"], r["predicate"], side(r["a"]), side(r["b"]))


def scenes(counts: Row, rows: list[Row]) -> Scenes:
    n, members = counts["scenes"], counts["scene_members"]
    return Scenes(
        count=n,
        members=members,
        largest=counts["largest_scene"],
        mean_size=round(members / n, 2) if n else 0.0,
        top=[
            SceneStat(
                r["id"],
                r["text"] or "",
                r["size"],
                {m["label"]: m["n"] for m in r["members"]},
                list(r["entities"]),
            )
            for r in rows
        ],
    )
