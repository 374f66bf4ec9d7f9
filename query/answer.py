"""What a search returns: the ranked items with their provenance, the facts they support and
what those facts contradict or update, and the plan that found them (``Planner.search``).

``to_json`` is the one wire shape of the CLI, the library and the HTTP API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from strata.query.contradictions import Contradiction, Supersession, update_json
from strata.query.contradictions import to_json as contradiction_json
from strata.query.dated import DatedAnswer
from strata.query.items import Item
from strata.query.plan import Plan

Row = dict[str, Any]


@dataclass
class Answer:
    items: list[Item]
    contradictions: list[Contradiction]
    plan: Plan
    facts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[Supersession] = field(default_factory=list)
    dated: DatedAnswer | None = None
    sessions: list[Row] = field(default_factory=list)  # summary questions: sessions as units

    @property
    def timing_ms(self) -> float:
        return round(sum(s.ms for s in self.plan.stages), 2)

    def to_json(self, *, explain: bool = False) -> dict[str, Any]:
        """The wire shape of the CLI and the API (items best first)."""
        plan = (
            self.plan.explain()
            if explain
            else {
                "preset": self.plan.preset.name,
                "question_type": self.plan.understanding.question_type.value
                if self.plan.understanding
                else None,
                "weights": {g: round(w, 3) for g, w in self.plan.weights.items()},
            }
        )
        out = {
            "items": [
                {
                    "kind": i.kind,
                    "id": i.id,
                    "source_id": i.source_id,
                    "interaction_id": i.interaction_id,
                    "text": i.text,
                    "score": i.score,
                    "time": i.time.isoformat() if i.time else None,
                    "speaker": i.speaker,
                    "role": i.role,
                    "offset": i.offset,
                    "flags": i.flags,
                    "via": i.via,
                    "superseded_at": i.superseded_at.isoformat() if i.superseded_at else None,
                    "superseded_by": i.superseded_by,
                }
                for i in self.items
            ],
            "contradictions": [contradiction_json(c) for c in self.contradictions],
            "updates": [update_json(u) for u in self.updates],
            "plan": plan,
            "timing_ms": self.timing_ms,
        }
        if self.dated is not None:
            out["answer"] = self.dated.to_json()
        if self.sessions:
            out["sessions"] = self.sessions
        return out
