"""The answer's items and their final order: what the planner returns, and the rerank that
turns fused candidates into it (boosts for the people and time the question names, less for
turns that only ask or that carry instructions to an AI, and a per-session cap)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from strata.query.plan import Plan

Row = dict[str, Any]


@dataclass
class Item:
    kind: str
    id: str
    source_id: str | None
    interaction_id: str | None
    text: str
    score: float
    time: datetime | None = None
    speaker: str | None = None
    role: str | None = None  # user, assistant, participant, ... (who said it)
    offset: int = 0  # where this passage starts in its message (0: the whole message)
    flags: list[str] = field(default_factory=list)  # "instruction": addresses an AI with orders
    via: str | None = None  # how it came in: api, file, library, langgraph
    # A fact it states that the question asks about was replaced (query/current.py): when, and
    # by which turn of the answer (None when that turn is not among the candidates)
    superseded_at: datetime | None = None
    superseded_by: str | None = None


def answer_facts(facts: list[Row], items: list[Item], limit: int) -> list[Row]:
    """The facts an answer touches: those its turns evidence, then those about its linked
    entities, at most ``limit``."""
    answer = {i.id for i in items}
    own = [f for f in facts if answer.intersection(f["evidence"])]
    about = [f for f in facts if f["about"] and not answer.intersection(f["evidence"])]
    return (own + about)[:limit]


def rerank(plan: Plan, pool: list[Item], k: int) -> list[Item]:
    """Final order: boosts for turns spoken by a person the question names and for turns said
    in the time span the question names (with some slack: "on May 3" is told days later), less
    for turns that only ask, and at most ``per_session`` turns from one session, so evidence
    spread over sessions gets a place."""
    b = plan.preset.budgets
    u = plan.understanding
    named = {p.split()[0].casefold() for p in (u.people if u else [])}
    span = None
    if u and u.time_from and u.time_to:
        before, after = b.time_slack_days
        span = (u.time_from - timedelta(days=before), u.time_to + timedelta(days=after))
    for item in pool:
        boost = 1.0
        if item.speaker and item.speaker.split()[0].casefold() in named:
            boost *= 1 + b.speaker_boost
        if span and item.time and span[0] <= item.time <= span[1]:
            boost *= 1 + b.time_boost
        if item.text.rstrip().endswith("?"):
            boost *= b.owner_asking_factor if item.role == "user" else b.asking_factor
        if item.flags:
            boost *= b.flagged_factor
        item.score = round(item.score * boost, 6)
    pool.sort(key=lambda i: (-i.score, i.id))
    out: list[Item] = []
    per: dict[str | None, int] = defaultdict(int)
    for item in pool:
        if per[item.interaction_id] < b.per_session:
            out.append(item)
            per[item.interaction_id] += 1
    out += [i for i in pool if i not in out]  # fill up if the cap left slots empty
    return out[:k]
