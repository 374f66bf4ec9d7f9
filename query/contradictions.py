"""Stage 6 of a plan: the facts an answer touches, checked with the sheaf (query/sheaf.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ingest.models import SINGLE_VALUED, Predicate
from query.sheaf import Claim, Contradiction, check

__all__ = ["Contradiction", "check_facts", "to_json"]

MULTI_VALUED = tuple(p.value for p in Predicate if p not in SINGLE_VALUED)


def check_facts(facts: list[dict[str, Any]], as_of: datetime | None = None) -> list[Contradiction]:
    """Contradictions among fact rows (``query/facts_for_turns``); updates are not conflicts."""
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
        if as_of is None or f["valid_from"] is None or f["valid_from"] <= as_of
    ]
    if not claims:
        return []
    return list(check(claims, multi_valued=MULTI_VALUED).contradictions)


def to_json(c: Contradiction) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "severity": round(c.severity, 3),
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
