"""Stage 6 of a plan: the facts an answer touches, checked with the sheaf (query/sheaf.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from strata.ingest.models import SINGLE_VALUED, Predicate
from strata.query.sheaf import Claim, Contradiction, SheafReport, Supersession, check

__all__ = ["Contradiction", "SheafReport", "check_facts", "to_json", "update_json"]

MULTI_VALUED = tuple(p.value for p in Predicate if p not in SINGLE_VALUED)


def check_facts(facts: list[dict[str, Any]], as_of: datetime | None = None) -> SheafReport:
    """Contradictions and updates among fact rows (``query/facts_for_turns``)."""
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
    return check(claims, multi_valued=MULTI_VALUED)


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


def update_json(u: Supersession) -> dict[str, Any]:
    """An update: the newer claim replaced the older one (not a contradiction)."""
    return {
        "old": {"id": u.old.id, "text": u.old.text, "evidence_turns": list(u.old.evidence)},
        "new": {"id": u.new.id, "text": u.new.text, "evidence_turns": list(u.new.evidence)},
        "since": u.new.valid_from.isoformat() if u.new.valid_from else None,
    }
