"""Persona facts from first-person statements, found by ordered regular-expression rules.

Conventions (what a user of the persona sees):

* Only declarative sentences in the first person ("I", "we", "my") yield facts, and they are about
  the speaker. Questions and conditional clauses ("if I like it", "when I was a kid") yield none.
* Polarity is False for negations: "don't", "do not", "never", "no longer", "not", "... anymore",
  "no X" ("I have no kids"), and for "hate/dislike/can't stand X" (LIKES False).
* Past tense that implies the present no longer holds gives polarity False on the same predicate:
  "I used to love X" (LIKES), "I worked as/at X", "I was a X", "I studied X", "I used to have X".
  LIVED_IN is the past predicate itself, so "I lived in X" / "I grew up in X" is LIVED_IN X, True.
  "I moved to X" is LIVES_IN X (True, 0.9) from the statement time.
* ``valid_from`` is the statement time, unless the sentence says "since <time>" ("I've been
  vegan since 2015" holds from 2015-01-01).
* Confidence: 0.9 explicit, 0.8 implied ("I'm a nurse" also gives WORKS_AS nurse), 0.7 past or
  indirect ("my dog" gives HAS dog), 0.6 wishes and hedges ("I'd like to", "I think", "maybe").
* Objects are normalised keys (``normalise_key``) of at most six words, cut at the first clause
  boundary; coordinated objects of LIKES, HAS, IS and STUDIES give one fact each. RELATIONSHIP
  objects read ``"<relation>:<name key>"`` ("sister:anna").
* One subject occurrence yields the facts of one rule only (rules are tried in priority order),
  so "I'm a big fan of jazz" is LIKES jazz and not also IS "big fan of jazz".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from strata.ingest.extract.lexicon import (
    NOT_PLANS,
    OCCUPATIONS,
    PET_RELATIONS,
    STOP_CAPITALS,
    words,
)
from strata.ingest.extract.patterns import (
    DESTINATION_START,
    NOT_WORKPLACE,
    NUMBER_WORDS,
    Rule,
    first_word,
    head,
)
from strata.ingest.extract.rules import RULES
from strata.ingest.extract.text import (
    cut_object,
    first_item,
    normalise_key,
    split_items,
    tidy_object,
    usable_object,
)
from strata.ingest.models import EntityKind, EntityRef, FactOut, Predicate

P = Predicate
_HEDGE = re.compile(
    r"\b(?:I\s+think|I\s+guess|I\s+suppose|I\s+believe|maybe|probably|perhaps|possibly|might"
    r"|not\s+sure|kind\s+of|sort\s+of|kinda|I\s+feel\s+like)\b",
    re.IGNORECASE,
)
# A subject inside an "if" clause, or right after "when"/"what"/"that"..., states nothing about
# the speaker ("if I like it", "when I was a kid", "that's what I like to hear").
_CONDITIONAL = re.compile(
    r"\b(?:if|unless|whether|wish|imagine|pretend|suppose)\b[^,.;!?]*$"
    r"|\b(?:when|whenever|once|until|hope|what|which|that|why|how|where|whatever)\s+$",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(r"\s*(?:if|unless|whether|even\s+if|what\s+if|suppose)\b", re.I)
_NOT_A_PLAN = re.compile(
    r"(?:have\s+to|take\s+care|take\s+a\s+look|make\s+sure|get\s+back)\b", re.I
)
_ANYMORE = re.compile(r"\b(?:any\s*more|no\s+more)\b", re.IGNORECASE)
_PREP_CUT = re.compile(r"\s+(?:in|for|with|on|to|and|but|who|since)\b|,", re.IGNORECASE)
_PREP_CUT_LIST = re.compile(r"\s+(?:in|for|with|on|to|who|since)\b", re.IGNORECASE)  # keeps "and"


@dataclass(frozen=True)
class FactHit:
    """A fact plus how its object was written, for the entity it may name."""

    fact: FactOut
    display: str
    entity_kind: EntityKind | None


@dataclass(frozen=True)
class Ctx:
    sentence: str  # time expressions masked with ';' so objects stop before them
    speaker: EntityRef
    time: datetime | None  # valid_from of the facts: the statement time, or "since 2015"


_FIRST_PERSON = re.compile(r"(?<![\w'])(?:I|my|we)(?![\w])", re.IGNORECASE)
_CLAUSE_SUBJECT = words(
    "i|we|you|he|she|they|it|i'm|i've|i'll|it's|that's|you're|youre|we're|they're|theyre|he's|"
    "she's|there's|it'd|that'd|i'll|we'll|you'll|they'll|he'll|she'll|i'd|we'd|you'd|they'd"
)
_FINITE = words("is|are|was|were|am|has|have|had|will|would|can|could|lets|makes|gets")


def persona_facts(ctx: Ctx) -> list[FactHit]:
    """All persona facts stated in one (time-masked) sentence, strongest first per object."""
    s = ctx.sentence
    if s.rstrip().endswith("?") or _HYPOTHETICAL.match(s) or not _FIRST_PERSON.search(s):
        return []
    claimed: set[int] = set()
    hits: list[FactHit] = []
    low = s.lower()
    for rule in RULES:
        for cue in rule.cues:  # a plain loop: any() with a generator costs twice as much here
            if cue in low:
                break
        else:
            continue
        for m in rule.pattern.finditer(s):
            if rule.exclusive and m.start() in claimed:
                continue
            if _CONDITIONAL.search(s, 0, m.start()):
                continue
            found = _SPECIAL.get(rule.special, _standard)(rule, m, ctx)
            if found and rule.exclusive:
                claimed.add(m.start())
            hits.extend(found)
    return _dedupe(hits)


def _dedupe(hits: list[FactHit]) -> list[FactHit]:
    best: dict[tuple[Predicate, str, bool], FactHit] = {}
    for h in hits:
        k = (h.fact.predicate, h.fact.object, h.fact.polarity)
        if k not in best or h.fact.confidence > best[k].fact.confidence:
            best[k] = h
    return list(best.values())


def _negated(m: re.Match[str]) -> bool:
    groups = m.groupdict()
    if groups.get("neg") or groups.get("neg2") or groups.get("tail"):
        return True
    obj = groups.get("obj") or ""
    return bool(_ANYMORE.search(obj))


def _confidence(rule: Rule, m: re.Match[str], ctx: Ctx) -> float:
    before = ctx.sentence[: m.start("obj") if m.groupdict().get("obj") else m.end()]
    return min(rule.confidence, 0.6) if _HEDGE.search(before) else rule.confidence


def _entity_kind(predicate: Predicate, display: str) -> EntityKind | None:
    if predicate in (P.LIKES, P.HAS):
        return EntityKind.THING
    capitalised = display[:1].isupper()
    if predicate in (P.LIVES_IN, P.LIVED_IN, P.FROM) and capitalised:
        return EntityKind.PLACE
    if predicate is P.WORKS_AT and capitalised:
        return EntityKind.ORG
    return None


def _hit(
    predicate: Predicate,
    display: str,
    polarity: bool,
    confidence: float,
    ctx: Ctx,
    kind: EntityKind | None = None,
    obj: str | None = None,
) -> FactHit:
    fact = FactOut(
        subject=ctx.speaker,
        predicate=predicate,
        object=obj if obj is not None else normalise_key(display),
        polarity=polarity,
        confidence=confidence,
        valid_from=ctx.time,
    )
    return FactHit(fact, display, kind if kind is not None else _entity_kind(predicate, display))


def _phrase(rule: Rule, raw: str) -> str:
    phrase = cut_object(raw)
    if not rule.cut_preps:
        return phrase
    return (_PREP_CUT_LIST if rule.multi else _PREP_CUT).split(phrase, 1)[0]


def _objects(rule: Rule, raw: str) -> list[tuple[str, bool]]:
    """Tidy, acceptable objects in ``raw`` with their own "no X" negation."""
    phrase = _phrase(rule, raw)
    items = split_items(phrase) if rule.multi else [first_item(phrase)]
    out: list[tuple[str, bool]] = []
    for item in items:
        if first_word(item) in _CLAUSE_SUBJECT or _FINITE.intersection(item.lower().split()):
            break  # the rest is a new clause ("I love hiking and I go every week")
        item = _before_subject(item)
        obj, said_no = tidy_object(item)
        if not usable_object(obj):
            break  # "I love how you use it ... and teach": the rest belongs to that clause
        if rule.accept is None or rule.accept(obj):
            out.append((obj, said_no))
    return out


def _before_subject(item: str) -> str:
    """Cut at a pronoun inside an item, which starts a relative clause ("connection it brings")."""
    words = item.split()
    for i, w in enumerate(words[1:], start=1):
        if w.lower() in _CLAUSE_SUBJECT and w.lower() != "it":  # "make it happen" keeps "it"
            return " ".join(words[:i])
    return item


def _standard(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    polarity = rule.polarity and not _negated(m)
    confidence = _confidence(rule, m, ctx)
    return [
        _hit(rule.predicate, obj, polarity and not said_no, confidence, ctx)
        for obj, said_no in _objects(rule, m.group("obj"))
    ]


def _no_double_negative(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    """ "I don't hate it" says too little to record."""
    return [] if m.group("neg") else _standard(rule, m, ctx)


def _relationship(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    rel = " ".join(m.group("rel").lower().split())
    if m.groupdict().get("best"):
        rel = f"best {rel}"
    kind = EntityKind.THING if rel in PET_RELATIONS else EntityKind.PERSON
    hits: list[FactHit] = []
    for name in (m.group("name"), m.groupdict().get("name2")):
        words = [w for w in (name or "").split() if w.lower() not in STOP_CAPITALS]
        if not words or words[0] != (name or "").split()[0] or words[0].endswith("ly"):
            continue  # "Thankfully, my son ..." names nobody
        display = " ".join(words)
        obj = f"{rel}:{normalise_key(display)}"
        hits.append(_hit(P.RELATIONSHIP, display, True, rule.confidence, ctx, kind, obj))
    return hits


def _identity(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    """IS X, plus WORKS_AS X (0.8) when X is an occupation ("I'm a nurse")."""
    hits = _standard(rule, m, ctx)
    jobs = [h for h in hits if head(h.display) in OCCUPATIONS]
    for h in jobs:
        conf = min(h.fact.confidence, 0.8)
        hits.append(_hit(P.WORKS_AS, h.display, h.fact.polarity, conf, ctx))
    return hits


def _occupation_at(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    """ "I'm a nurse at St. Mary's": WORKS_AS, WORKS_AT and IS, only for occupations."""
    job, _ = tidy_object(first_item(cut_object(m.group("obj"))))
    if head(job) not in OCCUPATIONS:
        return []
    polarity = not _negated(m)
    confidence = _confidence(rule, m, ctx)
    hits = [_hit(P.WORKS_AS, job, polarity, confidence, ctx), _hit(P.IS, job, polarity, 0.9, ctx)]
    org = _org(m.group("org"))
    if org:
        hits.append(_hit(P.WORKS_AT, org, polarity, confidence, ctx))
    return hits


def _org(raw: str | None) -> str:
    if not raw:
        return ""
    org, _ = tidy_object(_PREP_CUT.split(cut_object(raw), 1)[0])
    return org if usable_object(org) and first_word(org) not in NOT_WORKPLACE else ""


def _work(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    """WORKS_AS from the job, WORKS_AT from the organisation, whichever were said."""
    polarity = rule.polarity and not _negated(m)
    confidence = _confidence(rule, m, ctx)
    hits: list[FactHit] = []
    if m.group("obj"):
        hits = [
            _hit(P.WORKS_AS, obj, polarity, confidence, ctx)
            for obj, _ in _objects(rule, m.group("obj"))
        ]
    org = _org(m.groupdict().get("org"))
    if org:
        hits.append(_hit(P.WORKS_AT, org, polarity, confidence, ctx))
    return hits


def _plan(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    """PLANS with the planned action; "going to <place>" becomes "go to <place>"."""
    how = " ".join((m.groupdict().get("how") or "").lower().split())
    item = _before_subject(cut_object(m.group("obj")).split(",")[0])
    first = first_word(item)
    if not first or first in NOT_PLANS or first in _CLAUSE_SUBJECT or _NOT_A_PLAN.match(item):
        return []
    if how.startswith(("thinking", "considering")) and not first.endswith("ing"):
        return []  # "thinking about Max" is not a plan; "thinking of moving" is
    obj, _ = tidy_object(item)
    if how == "going to" and (first in DESTINATION_START or item[:1].isupper()):
        obj = f"go to {obj}"
    if not usable_object(obj):
        return []
    confidence = _confidence(rule, m, ctx)
    if how.startswith(("thinking", "considering")):
        confidence = min(confidence, 0.6)
    elif how.startswith(("hoping", "looking")):
        confidence = min(confidence, 0.7)
    return [_hit(P.PLANS, obj, not _negated(m), confidence, ctx)]


def _age_value(text: str) -> int | None:
    text = text.lower().replace("-", " ")
    if text.isdigit():
        return int(text)
    parts = text.split()
    if not parts or any(p not in NUMBER_WORDS for p in parts):
        return None
    return sum(NUMBER_WORDS[p] for p in parts)


def _age(rule: Rule, m: re.Match[str], ctx: Ctx) -> list[FactHit]:
    value = _age_value(m.group("obj"))
    if value is None or not 5 <= value <= 120:
        return []
    confidence = 0.6 if m.groupdict().get("hedge") else _confidence(rule, m, ctx)
    return [_hit(P.AGE, str(value), True, confidence, ctx)]


_Builder = Callable[[Rule, re.Match[str], Ctx], list[FactHit]]
_SPECIAL: dict[str, _Builder] = {
    "relationship": _relationship,
    "no_double_negative": _no_double_negative,
    "identity": _identity,
    "occupation_at": _occupation_at,
    "work": _work,
    "plan": _plan,
    "age": _age,
}
