"""Insight tier (after G-Memory's insight scores and Bi-Mem's persona level), as pure functions.

An insight carries a support score that agreeing evidence raises and contradicting evidence
lowers. Invariants:

* Nothing is deleted. Evidence is appended to ``history`` in arrival order; an insight whose
  support falls to ≤ 0 is *retired* (hidden from answers) but keeps its text and history.
* ``retired`` is exactly ``support <= 0``, so a retired insight revives when later agreeing
  evidence lifts its support above 0 again — people change back ("I'm drinking coffee again"),
  and the history shows both phases.
* Evidence with a ``ref`` (the Fact/Query/Turn id behind it) counts once: applying the same ref
  again is a no-op, so a retried ingest never inflates a score.
* Persona trait ids are ``stable_id(user_id, "persona", subject, predicate, object)`` over
  normalised names — independent of polarity, so a trait that flips keeps its node, and never
  shared between users.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from strata.graph.errors import ValidationError
from strata.ingest.models import FactOut, Predicate, stable_id

# ---- support scores ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    agree: bool
    weight: float
    ref: str | None = None  # id of the Fact, Query or Turn behind it


@dataclass(frozen=True)
class InsightState:
    id: str
    text: str
    support: float = 1.0  # the starting value counts as the evidence that created the insight
    retired: bool = False
    history: tuple[Evidence, ...] = ()


def apply_evidence(
    state: InsightState, agree: bool, weight: float = 1.0, *, ref: str | None = None
) -> InsightState:
    """Support ± weight, evidence appended, ``retired`` recomputed; a repeated ref is a no-op."""
    if not (weight > 0 and math.isfinite(weight)):
        raise ValidationError("must be a positive finite number", where="insight.evidence.weight")
    if ref is not None and any(e.ref == ref for e in state.history):
        return state
    support = state.support + (weight if agree else -weight)
    return replace(
        state,
        support=support,
        retired=support <= 0,
        history=(*state.history, Evidence(agree, weight, ref)),
    )


def absorb(keep: InsightState, duplicate: InsightState) -> InsightState:
    """Fold a near-duplicate's evidence into ``keep``, each ref once.

    The duplicate's starting support is not carried over: only its recorded evidence is, so a
    merge never counts the same observation twice.
    """
    state = keep
    for e in duplicate.history:
        state = apply_evidence(state, e.agree, e.weight, ref=e.ref)
    return state


def merge_near_duplicates(
    insights: Sequence[InsightState], embeddings: np.ndarray, threshold: float = 0.92
) -> list[tuple[str, list[str]]]:
    """Groups ``(keep_id, merged_ids)`` of insights whose cosine to the keeper is ≥ threshold.

    Keepers are chosen greedily in priority order — active before retired, then higher support,
    longer history, smaller id — and absorb every not-yet-taken insight close to *them* (not
    transitively, so a chain a≈b≈c with a≉c does not collapse into one). Only groups that merge
    something are returned; ``merged_ids`` follow the same priority order.
    """
    x = _unit_rows(embeddings, len(insights))
    if not 0 < threshold <= 1:
        raise ValidationError("must be in (0, 1]", where="merge_near_duplicates.threshold")
    sims = x @ x.T
    order = sorted(range(len(insights)), key=lambda i: _priority(insights[i]))
    taken: set[int] = set()
    groups: list[tuple[str, list[str]]] = []
    for i in order:
        if i in taken:
            continue
        taken.add(i)
        close = [j for j in order if j not in taken and sims[i, j] >= threshold]
        taken.update(close)
        if close:
            groups.append((insights[i].id, [insights[j].id for j in close]))
    return groups


def _priority(s: InsightState) -> tuple[bool, float, int, str]:
    return (s.retired, -s.support, -len(s.history), s.id)


def _unit_rows(embeddings: np.ndarray, n: int) -> np.ndarray:
    x = np.asarray(embeddings, dtype=float)
    if x.ndim != 2 or x.shape[0] != n:
        raise ValidationError("one embedding row per insight is required", where="embeddings")
    if not np.all(np.isfinite(x)):
        raise ValidationError("must be finite numbers", where="embeddings")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    unit: np.ndarray = x / np.where(norms > 0, norms, 1.0)
    return unit


# ---- persona traits -------------------------------------------------------------------------

_PHRASES: dict[Predicate, tuple[str, str]] = {
    Predicate.LIKES: ("likes", "doesn't like"),
    Predicate.IS: ("is", "is not"),
    Predicate.WORKS_AS: ("works as", "doesn't work as"),
    Predicate.WORKS_AT: ("works at", "doesn't work at"),
    Predicate.LIVES_IN: ("lives in", "doesn't live in"),
    Predicate.LIVED_IN: ("lived in", "didn't live in"),
    Predicate.FROM: ("is from", "is not from"),
    Predicate.HAS: ("has", "doesn't have"),
    Predicate.RELATIONSHIP: ("has a", "has no"),
    Predicate.PLANS: ("plans", "doesn't plan"),
    Predicate.AGE: ("is aged", "is not aged"),
    Predicate.STUDIES: ("studies", "doesn't study"),
    Predicate.BORN: ("was born in", "was not born in"),
    Predicate.OLDER_THAN: ("is older (in years) than", "is not older (in years) than"),
    Predicate.COUNT: ("has", "doesn't have"),
    Predicate.SINCE: ("has been", "has not been"),
    Predicate.EVENT_DATE: ("had an event:", "had no event:"),
    Predicate.EVENT_OFFSET: ("had one event", "did not have one event"),
}


@dataclass(frozen=True)
class PersonaFact:
    """A persona fact as stored: ``valid_to`` is set once a newer statement superseded it."""

    id: str
    subject: str
    predicate: Predicate
    object: str
    polarity: bool
    valid_to: datetime | None = None

    @classmethod
    def from_fact(cls, fact: FactOut, *, id: str, valid_to: datetime | None = None) -> PersonaFact:
        return cls(id, fact.subject.name, fact.predicate, fact.object, fact.polarity, valid_to)

    @property
    def is_open(self) -> bool:
        return self.valid_to is None


@dataclass(frozen=True)
class PersonaInsight:
    """A trait such as "Caroline likes painting", with the facts for and against it."""

    id: str
    subject: str
    predicate: Predicate
    object: str
    polarity: bool  # the side most open facts take (positive on a tie)
    support: int  # open facts agreeing with ``polarity`` minus open facts against it
    text: str
    supporting: tuple[str, ...]  # open fact ids agreeing with polarity
    contradicting: tuple[str, ...]  # open fact ids taking the other side
    superseded: tuple[str, ...] = field(default=())  # closed facts: history, not counted

    @property
    def retired(self) -> bool:
        return self.support <= 0

    def to_state(self) -> InsightState:
        """The same trait as a scored insight, built from its open facts as evidence."""
        state = InsightState(self.id, self.text, support=0.0, retired=True)
        for ref in self.supporting:
            state = apply_evidence(state, True, ref=ref)
        for ref in self.contradicting:
            state = apply_evidence(state, False, ref=ref)
        return state


def persona_insights(facts: Iterable[PersonaFact], *, user_id: str) -> list[PersonaInsight]:
    """One trait per (subject, predicate, object), strongest support first.

    Names and objects are grouped case- and whitespace-insensitively; the first spelling seen is
    shown. A trait whose facts are all superseded is kept, retired (support 0), as history.
    """
    if not user_id:
        raise ValidationError("is required", where="persona_insights.user_id")
    groups: dict[tuple[str, Predicate, str], list[PersonaFact]] = {}
    for f in facts:
        groups.setdefault((_norm(f.subject), f.predicate, _norm(f.object)), []).append(f)
    traits = [_trait(user_id, key, group) for key, group in groups.items()]
    return sorted(
        traits, key=lambda t: (-t.support, _norm(t.subject), t.predicate, _norm(t.object))
    )


def _trait(
    user_id: str, key: tuple[str, Predicate, str], group: list[PersonaFact]
) -> PersonaInsight:
    open_facts = [f for f in group if f.is_open]
    counted = open_facts or group  # with nothing open, the past decides how it reads
    positive = sum(f.polarity for f in counted)
    polarity = positive >= len(counted) - positive
    agree = tuple(f.id for f in open_facts if f.polarity == polarity)
    against = tuple(f.id for f in open_facts if f.polarity != polarity)
    first = group[0]
    return PersonaInsight(
        id=stable_id(user_id, "persona", *key),
        subject=first.subject.strip(),
        predicate=first.predicate,
        object=first.object.strip(),
        polarity=polarity,
        support=len(agree) - len(against),
        text=trait_text(first.subject, first.predicate, first.object, polarity),
        supporting=agree,
        contradicting=against,
        superseded=tuple(f.id for f in group if not f.is_open),
    )


def trait_text(subject: str, predicate: Predicate, obj: str, polarity: bool) -> str:
    """Readable trait: "Caroline likes painting", "Mel doesn't like coffee"."""
    yes, no = _PHRASES[predicate]
    return f"{subject.strip()} {yes if polarity else no} {obj.strip()}"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
