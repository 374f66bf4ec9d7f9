"""Questions about a state that changed: the current statement first, the old one marked.

Ingest closes a fact when a later one of the same (subject, predicate) replaces it
(``cypher/ingest/close_superseded_facts.cypher``): its ``valid_to`` is the newer fact's
``valid_from`` and ``superseded_by`` names it. Ranking alone does not see that, so "I live in
Paris" can outrank "I live in Berlin now" for "Where does Alice live?". Here, over the rerank
pool and its facts:

* A superseded fact is *asked about* when a content word of the question shares its stem with
  a word of the fact's predicate or object ("live" ~ ``lives_in``, "coffee" ~ ``coffee``); the
  subject does not count (a person's name matches every fact about them). A turn that states
  one, closed by the question's time (``as_of`` or now), is marked with when it was superseded
  and by which turn of the pool, whatever the question's tense.
* When the question asks about the present (``Understanding.present``: no past tense, no past
  time named), the turn that states the newer fact moves directly above the turn of the older
  one and takes its score; the older turn follows it, still found. Chains (Paris → Berlin →
  Rome) are applied oldest first, so the newest ends on top.

Questions about the past ("Where did Alice live before?", "... in March 2024?") keep the plain
ranking, and a turn that also states facts the question is not about keeps its place.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from strata.query.items import Item
from strata.query.plan import Understanding

Row = dict[str, Any]

_SUFFIX = re.compile(r"(?:ing|ed|es|s|e)$")
_WORD = re.compile(r"[^\W_]+")


def current_first(
    items: list[Item], facts: list[Row], question: Understanding, now: datetime
) -> list[Item]:
    """``items`` (best first) with superseded statements the question asks about marked and,
    for a present-tense question, each placed directly below the statement that replaced it."""
    asked = {_stem(t) for t in question.terms}
    by_id = {f["id"]: f for f in facts}
    pos = {item.id: n for n, item in enumerate(items)}
    moves: list[tuple[datetime, str, str]] = []  # (superseded at, old turn, new turn)
    for f in facts:
        closed = f.get("valid_to")
        if not f.get("superseded_by") or closed is None or closed > now:
            continue
        if not asked & _stems(f"{f['predicate']} {f['object']}"):
            continue
        newer = by_id.get(f["superseded_by"], {"evidence": []})
        new_turns = sorted((t for t in newer["evidence"] if t in pos), key=pos.__getitem__)
        for old in (t for t in f["evidence"] if t in pos and t not in new_turns):
            items[pos[old]].superseded_at = closed
            if new_turns:
                items[pos[old]].superseded_by = new_turns[0]
                moves.append((closed, old, new_turns[0]))
    if not question.present:
        return items
    out = list(items)
    for _, old, new in sorted(moves):
        at, new_at = _index(out, old), _index(out, new)
        if new_at > at:
            moved = out.pop(new_at)
            moved.score = max(moved.score, out[at].score)
            out.insert(at, moved)
    return out


def _index(items: list[Item], turn: str) -> int:
    return next(n for n, item in enumerate(items) if item.id == turn)


def _stem(word: str) -> str:
    """A light stem, enough to meet "live"/"lives"/"living", "like"/"likes", "work"/"works"."""
    return _SUFFIX.sub("", word.casefold()) if len(word) > 3 else word.casefold()


def _stems(text: str) -> set[str]:
    """Stems of a fact's predicate and object words ("lives_in paris" -> {"liv", "pari"})."""
    return {s for w in _WORD.findall(text.casefold()) if len(s := _stem(w)) > 2}
