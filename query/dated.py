"""Stage 7 of a plan: a dated answer to a "when" question, from the top evidence's own words.

People talk about events after they happen ("we went camping last weekend"), so the session date
of the best turn is rarely the date asked for. The answer is the time expression of the top
evidence resolved against that turn's time (``ingest/timeparse.py``): its span, at its grain
(day, weekend, week, month, season, year). Which expression: the one in the sentence of the
top turn that shares most words with the question, nearest that sentence's start; ties go to
the narrower span. Future questions ("When is Mel going camping?") resolve bare expressions
forward, past ones backward. When the top turn names no time, the answer is the day it was said
(``how`` says so). Nothing reads the clock.
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


def dated_answer(question: str, items: Sequence[Evidence]) -> DatedAnswer | None:
    """The interval a "when" question asks for, or ``None`` (not a when question, no evidence)."""
    if not is_when_question(question):
        return None
    top = next((i for i in items if i.time is not None), None)
    if top is None or top.time is None:
        return None
    tense: Tense = "future" if _FUTURE.search(question) else "past"
    found = _best_span(question, top.text, top.time, tense)
    if found is None:
        day = top.time.replace(hour=0, minute=0, second=0, microsecond=0)
        span = TimeSpan(day, day + timedelta(days=1), Grain.DAY)
        how = {"rule": "no time named: the day the top turn was said", "turn": top.id}
        return _answer(span, top.id, how)
    span, expr, sentence = found
    how = {
        "rule": "time expression of the top turn, resolved against the turn's time",
        "turn": top.id,
        "expression": expr,
        "sentence": sentence.strip(),
        "anchor": top.time.isoformat(),
        "tense": tense,
    }
    return _answer(span, top.id, how)


def _best_span(
    question: str, text: str, anchor: datetime, tense: Tense
) -> tuple[TimeSpan, str, str] | None:
    asked = _words(question)
    best: tuple[tuple[int, int, int], TimeSpan, str, str] | None = None
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        shared = len(asked & _words(sentence))
        for n, mention in enumerate(find_time_expressions(sentence)):
            span = resolve_span(mention.text, anchor, tense)
            if span is None:
                continue
            key = (-shared, _WIDTH[span.grain], n)
            if best is None or key < best[0]:
                best = (key, span, mention.text, sentence)
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
