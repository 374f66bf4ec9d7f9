"""Stage 1 of a plan: what the question is about — terms, people, time range, question type."""

from __future__ import annotations

import re
from datetime import datetime

from strata.graph.lucene import terms
from strata.ingest.timeparse import Tense, find_time_expressions, resolve_span
from strata.query.intents import intent_of
from strata.query.plan import QuestionType, Understanding

_TEMPORAL = re.compile(
    r"\b(when|what (year|month|day|date|time)|how long|how many (days|weeks|months|years)|"
    r"before|after|since|until|first time|last time|ago)\b",
    re.I,
)
_PERSONA = re.compile(
    r"\b(like|likes|love|loves|enjoy|enjoys|favou?rite|prefer|prefers|hobby|hobbies|identity|"
    r"personality|values?|believe|believes|would .* (be|likely)|what kind of person|job|"
    r"career|work as|lives? in|from)\b",
    re.I,
)
# Past tense or a past reference: the question asks about what was, not what is.
_PAST = re.compile(
    r"\b(did|was|were|had|used to|before|previously|formerly|earlier|originally|ago|at first|"
    r"back then|then|once|ever|last|past|(has|have)\b.*\b\w+ed)\b",
    re.I,
)
# Future reference: "in March" then means the next March, not the nearest one.
_FUTURE = re.compile(r"\b(will|going to|gonna|plan(s|ning)? to|upcoming|next|soon)\b", re.I)
_MULTI = re.compile(r"\b(both|and|also|in common|together|how many|which .* and)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_NOT_NAMES = frozenset(
    [
        "What",
        "When",
        "Where",
        "Who",
        "Whom",
        "Which",
        "Why",
        "How",
        "Did",
        "Does",
        "Do",
        "Is",
        "Are",
        "Was",
        "Were",
        "Has",
        "Have",
        "Had",
        "Would",
        "Could",
        "Should",
        "Can",
        "Will",
        "I",
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "Of",
    ]
)


def understand(question: str, now: datetime) -> Understanding:
    """Classify the question and resolve its time expressions against ``now`` (or ``as_of``)."""
    people = _names(question)
    past = bool(_PAST.search(question))
    tense: Tense | None = "past" if past else "future" if _FUTURE.search(question) else None
    time_from = time_to = None
    for mention in find_time_expressions(question):
        span = resolve_span(mention.text, now, tense)
        if span is not None:
            time_from, time_to = span.start, span.end
            break
    return Understanding(
        question_type=_classify(question, people),
        terms=terms(question),
        people=people,
        time_from=time_from,
        time_to=time_to,
        intent=intent_of(question).value,
        present=not past and (time_to is None or time_to >= now),
    )


def _names(question: str) -> list[str]:
    """Capitalised words that are not question words; adjacent ones form one name."""
    names: list[str] = []
    last_end = -2
    for m in _CAPITALISED.finditer(question):
        if m.group() in _NOT_NAMES:
            continue
        if names and m.start() == last_end + 1:
            names[-1] += " " + m.group()
        else:
            names.append(m.group())
        last_end = m.end()
    return names


def _classify(question: str, people: list[str]) -> QuestionType:
    if _TEMPORAL.search(question):
        return QuestionType.TEMPORAL
    if len(set(people)) > 1 or _MULTI.search(question):
        return QuestionType.MULTI_HOP
    if _PERSONA.search(question):
        return QuestionType.PERSONA
    return QuestionType.LOOKUP
