"""Scoring shared by the planted-contradiction benchmarks (sheaf_planted.py, sheaf_events.py).

Per method (the sheaf check and its pairwise baseline) a tally of the reports on planted
conversations: reports and true positives (for precision), planted cases found (for recall, and
per kind), and consistent twins flagged (each one a false alarm).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from strata.ingest.models import InteractionIn
from strata.ingest.sources import read_file

METHODS = ("sheaf", "pairwise")
Tally = dict[str, int]


def conversations(path: Path) -> list[list[InteractionIn]]:
    """The LoCoMo file's interactions, one list per conversation, in user-id order."""
    by_user: dict[str, list[InteractionIn]] = {}
    for it in read_file(path, "locomo"):
        by_user.setdefault(it.user_id, []).append(it)
    return [its for _, its in sorted(by_user.items())]


def new_tallies(kinds: Iterable[str]) -> dict[str, Tally]:
    """An empty tally per method."""
    return {m: dict.fromkeys(("tp", "reported", "planted", "found", "twins", *kinds), 0)
            for m in METHODS}  # fmt: skip


def tally(s: Tally, kind: str, found: list[set[str]], ids: set[str]) -> None:
    """Count one planting: ``found`` holds each reported contradiction's evidence ids, ``ids``
    the planted statements' ids; a report that shares one of them is a hit."""
    hits = [f for f in found if f & ids]
    s["reported"] += len(found)
    s["tp"] += len(hits)
    s[kind] += bool(hits)  # for a twin: flagged
    if kind == "twin":
        s["twins"] += 1
    else:
        s["planted"] += 1
        s["found"] += bool(hits)


def summary(s: Tally, false_alarms: int, *, twins: bool) -> dict[str, Any]:
    """Precision, recall and the counts behind them (``twins``: also how many twins were run)."""
    out: dict[str, Any] = {
        "precision": round(s["tp"] / s["reported"], 3) if s["reported"] else None,
        "recall": round(s["found"] / s["planted"], 3) if s["planted"] else None,
        "planted": s["planted"],
        "found_pair": s["pair"],
        "found_cycle": s["cycle"],
        "twins_flagged": s["twin"],
    }
    if twins:
        out["twins"] = s["twins"]
    out["false_alarm_conversations"] = false_alarms
    return out
