"""Stage 7 of a plan: a dated answer to a "when" question, from the top evidence's own words.

People talk about events after they happen ("we went camping last weekend"), so the session date
of the best turn is rarely the date asked for. The answer is a time expression of the top
evidence resolved against its turn's time (``ingest/timeparse.py``): its span, at its grain
(day, weekend, week, month, season, year). Which expression: among the top ``DEPTH`` turns, the
one in the sentence sharing most words with the question (a lower turn only when it shares
some); ties go to the higher turn, then to the narrower span, then to the first. Future
questions ("When is Mel going camping?") resolve bare expressions forward, past ones backward.
When no such turn names a time, the answer is the day the top turn was said (``how`` says so).
Nothing reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from strata.ingest.timeparse import Grain, Tense, TimeSpan, find_time_expressions, resolve_span

_WHEN = re.compile(
    r"^\W*(?:when\b|what\s+(?:year|month|day|date|week)\b|which\s+(?:year|month|day|week)\b"
    r"|on\s+what\s+(?:day|date)\b|in\s+what\s+(?:year|month)\b)",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"^\W*when\s+(?:is|are|am|will)\b|\b(?:will|going\s+to|planning|plans?\s+to|next|upcoming)\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_WORD = re.compile(r"[a-z][a-z']+")
_STOP = frozenset(
    {
        "when", "what", "which", "did", "does", "the", "and", "her", "his", "their", "with",
        "went", "going", "get", "got", "have", "has", "had", "from", "about", "that", "this",
        "year", "month", "day", "date", "week", "for", "was", "were", "are",
    }
)  # fmt: skip
_WIDTH = {
    Grain.PART_OF_DAY: 0, Grain.DAY: 1, Grain.WEEKEND: 2, Grain.WEEK: 3, Grain.MONTH: 4,
    Grain.SEASON: 5, Grain.YEAR: 6,
}  # fmt: skip


DEPTH = 7  # top turns whose time expressions may answer (flat 5-10 on both dev halves)


class Evidence(Protocol):
    id: str
    text: str
    time: datetime | None


@dataclass(frozen=True)
class DatedAnswer:
    """``[start, end]`` (both days inclusive) at ``grain``, from ``evidence`` turns."""

    start: datetime
    end: datetime
    grain: str
    evidence: tuple[str, ...]
    text: str
    how: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.date().isoformat(),
            "end": self.end.date().isoformat(),
            "grain": self.grain,
            "evidence": list(self.evidence),
            "text": self.text,
        }


def is_when_question(question: str) -> bool:
    return bool(_WHEN.search(question))


def dated_answer(
    question: str, items: Sequence[Evidence], depth: int = DEPTH
) -> DatedAnswer | None:
    """The interval a "when" question asks for, or ``None`` (not a when question, no evidence)."""
    if not is_when_question(question):
        return None
    dated = [i for i in items if i.time is not None][:depth]
    if not dated:
        return None
    tense: Tense = "future" if _FUTURE.search(question) else "past"
    best = None
    for rank, item in enumerate(dated):
        if item.time is None:
            continue
        found = _best_span(question, item.text, item.time, tense)
        if found is None or (rank and found[3] == 0):
            continue  # a lower turn counts only when its dated sentence is about the question
        if best is None or (-found[3], rank) < (-best[1][3], best[0]):
            best = (rank, found, item)
    top = dated[0]
    if best is None and top.time is not None:
        day = top.time.replace(hour=0, minute=0, second=0, microsecond=0)
        span = TimeSpan(day, day + timedelta(days=1), Grain.DAY)
        how: dict[str, Any] = {
            "rule": "no time named: the day the top turn was said",
            "turn": top.id,
        }
        return _answer(span, top.id, how)
    if best is None:
        return None
    rank, (span, expr, sentence, shared), item = best
    how = {
        "rule": "time expression of a top turn, resolved against the turn's time",
        "turn": item.id,
        "rank": rank + 1,
        "expression": expr,
        "sentence": sentence.strip(),
        "shared_words": shared,
        "anchor": item.time.isoformat() if item.time else None,
        "tense": tense,
    }
    return _answer(span, item.id, how)


def _best_span(
    question: str, text: str, anchor: datetime, tense: Tense
) -> tuple[TimeSpan, str, str, int] | None:
    """The time expression of the sentence sharing most words with the question, its span,
    the sentence and how many words it shares; ties go to the narrower span, then the first."""
    asked = _words(question)
    best: tuple[tuple[int, int, int], TimeSpan, str, str, int] | None = None
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        shared = len(asked & _words(sentence))
        for n, mention in enumerate(find_time_expressions(sentence)):
            span = resolve_span(mention.text, anchor, tense)
            if span is None:
                continue
            key = (-shared, _WIDTH[span.grain], n)
            if best is None or key < best[0]:
                best = (key, span, mention.text, sentence, shared)
    return None if best is None else best[1:]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _answer(span: TimeSpan, turn: str, how: dict[str, Any]) -> DatedAnswer:
    grain = Grain.DAY if span.grain is Grain.PART_OF_DAY else span.grain
    start = span.start.replace(hour=0, minute=0, second=0, microsecond=0)
    last = span.end - timedelta(microseconds=1)
    end = max(start, last.replace(hour=0, minute=0, second=0, microsecond=0))
    return DatedAnswer(start, end, grain.value, (turn,), _text(start, end, grain), how)


def _text(start: datetime, end: datetime, grain: Grain) -> str:
    if grain is Grain.DAY:
        return f"{start.day} {start:%B %Y}"
    if grain is Grain.MONTH:
        return f"{start:%B %Y}"
    if grain is Grain.YEAR:
        return f"{start.year}"
    label = {Grain.WEEK: "the week of", Grain.WEEKEND: "the weekend of"}.get(grain, "between")
    return f"{label} {start.day} {start:%B %Y}" + (
        f" – {end.day} {end:%B %Y}" if grain is Grain.SEASON else ""
    )
