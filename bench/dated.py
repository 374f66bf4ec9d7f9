"""Benchmark 4(a) of issue 20: dated answers to LoCoMo temporal questions (category 2).

A question counts when its gold answer names a date, a day/weekend/week relative to one ("the
Sunday before 25 May 2023", "the week of 23 August 2023"), a month or a year. The answer is right
when its interval overlaps the gold interval and is no wider than the gold or a week, whichever
is wider. The baseline is the session date (a day) of the top turn of the same search.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from strata.bench.locomo import TENANT
from strata.ingest.timeparse import find_time_expressions, resolve_span
from strata.query.planner import Planner

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_REL = re.compile(
    r"^(?:the\s+)?(?P<n>two|three|\d+)?\s*(?P<what>week|weekend|" + "|".join(_WEEKDAYS) + r")s?"
    r"\s+(?P<how>before|of|after)\s+",
    re.IGNORECASE,
)
Interval = tuple[datetime, datetime]  # [start, end) in days


def gold_interval(gold: str) -> Interval | None:
    """The interval a gold answer names, or None (durations, dates without a year)."""
    text = " ".join(str(gold).split())
    if re.fullmatch(r"(?:19|20)\d{2}", text):
        return datetime(int(text), 1, 1), datetime(int(text) + 1, 1, 1)
    mentions = find_time_expressions(text)
    if not mentions:
        return None
    span = resolve_span(mentions[-1].text, None)
    if span is None:
        return None
    m = _REL.match(text)
    if not m:
        return (span.start, span.end) if mentions[-1].text.strip() == text.strip(" .") else None
    d, what, how = span.start, m["what"].lower(), m["how"].lower()
    n = {"two": 2, "three": 3}.get((m["n"] or "1").lower()) or int(m["n"] or 1)
    if what == "week":
        monday = d - timedelta(days=d.weekday())
        if how == "of":
            return monday, monday + timedelta(days=7)
        start = d - timedelta(days=7 * n) if how == "before" else d + timedelta(days=1)
        return start, start + timedelta(days=7)
    if what == "weekend":
        sat = d - timedelta(days=(d.weekday() - 5) % 7 or 7) if how == "before" else d
        sat -= timedelta(days=7 * (n - 1))
        return sat, sat + timedelta(days=2)
    wd = _WEEKDAYS.index(what)
    day = d - timedelta(days=(d.weekday() - wd) % 7 or 7)
    return day, day + timedelta(days=1)


def correct(answer: Interval, gold: Interval) -> bool:
    overlap = answer[0] < gold[1] and gold[0] < answer[1]
    width = (answer[1] - answer[0]).days
    return overlap and width <= max((gold[1] - gold[0]).days, 7)


def run(path: Path, planner: Planner) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    n = ours = base = answered = 0
    halves: list[list[int]] = [[0, 0, 0], [0, 0, 0]]
    for i, sample in enumerate(data):
        user = f"{TENANT}:{sample['sample_id']}"
        for qa in sample["qa"]:
            if qa.get("category") != 2:
                continue
            gold = gold_interval(str(qa.get("answer", "")))
            if gold is None:
                continue
            answer = planner.search(user, qa["question"], k=10)
            n += 1
            half = halves[i % 2]
            half[0] += 1
            if answer.dated is not None:
                answered += 1
                start = answer.dated.start.replace(tzinfo=None)
                end = answer.dated.end.replace(tzinfo=None) + timedelta(days=1)
                if correct((start, end), gold):
                    ours += 1
                    half[1] += 1
            top = next((it for it in answer.items if it.time), None)
            if top is not None and top.time is not None:
                day = top.time.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
                if correct((day, day + timedelta(days=1)), gold):
                    base += 1
                    half[2] += 1
    return {
        "questions": n,
        "answered": answered,
        "dated_accuracy": round(ours / n, 3) if n else 0.0,
        "session_date_accuracy": round(base / n, 3) if n else 0.0,
        "halves": [
            {
                "questions": h[0],
                "dated": round(h[1] / max(h[0], 1), 3),
                "session_date": round(h[2] / max(h[0], 1), 3),
            }
            for h in halves
        ],
    }
