"""Question kinds beyond a lookup, each planned explicitly (issue 21).

Most questions want the turns that best match them. Some want a differently shaped answer,
and ranking by score alone gets them wrong:

=============  ======================================  ===========================================
intent         asks for                                 what the plan does
=============  ======================================  ===========================================
latest         the value now, after changes             among the near-best turns, newest first
instructions   the user's standing instructions        their instruction turns first (ingest
                                                        marks them), then the usual ranking
ordering       events in order, across sessions         one turn per session, then by time
summary        what was discussed                       at most two turns per session, and the
                                                        sessions themselves as units
conflict       both sides of a contradiction            at most two turns per session, so the
                                                        earlier and the later side both show
fact           anything else                            the usual ranking
=============  ======================================  ===========================================

The intent is read from the question's wording (rules, no LLM) and shown in the plan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from strata.query.items import Item


class Intent(StrEnum):
    FACT = "fact"
    LATEST = "latest"
    INSTRUCTIONS = "instructions"
    ORDERING = "ordering"
    SUMMARY = "summary"
    CONFLICT = "conflict"


_RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.INSTRUCTIONS,
        re.compile(
            r"\b(?:instructions?|(?:ask(?:ed)?|told|tell|wanted|want) you to|my (?:preferences|"
            r"rules)|how (?:do|did|should) (?:i|you) (?:want|like|prefer)? ?(?:you to )?(?:format|"
            r"answer|reply|respond|write|address|call)|what did i ask you|should you (?:always|"
            r"never|use|call|address|write|show|format)|when you (?:talk|write|reply|answer|"
            r"respond) to me|(?:always|never) (?:do|use|answer|reply|write|include) for me)\b",
            re.I,
        ),
    ),
    (
        Intent.ORDERING,
        re.compile(
            r"\b(?:in (?:what|which) order|what order|order (?:of|in which)|which (?:\w+ ){0,3}"
            r"(?:came|happened|did i \w+) first|chronolog\w*|timeline|sequence of|"
            r"(?:list|put|rank|sort) .{0,60}\b(?:in order|chronologically|by date))\b",
            re.I,
        ),
    ),
    (
        Intent.SUMMARY,
        re.compile(
            r"\b(?:summari[sz]e|summary|overview|recap|sum up|main points|what (?:have|did) we "
            r"(?:talk(?:ed)?|discuss(?:ed)?|cover(?:ed)?)|"
            r"everything (?:we|i) (?:discussed|talked))\b",
            re.I,
        ),
    ),
    (
        Intent.CONFLICT,
        re.compile(
            r"\b(?:contradict\w*|inconsisten\w*|conflicting|changed (?:my|his|her|their) mind|"
            r"said (?:the opposite|otherwise|differently))\b",
            re.I,
        ),
    ),
    (
        Intent.LATEST,
        re.compile(
            r"\b(?:current(?:ly)?|latest|most recent(?:ly)?|these days|nowadays|any ?more|"
            r"right now|at the moment|up to date|still)\b",
            re.I,
        ),
    ),
)

NEAR_BEST = 0.8  # "latest": turns within this share of the best score compete on recency
PER_SESSION = {Intent.ORDERING: 1, Intent.SUMMARY: 2, Intent.CONFLICT: 2}


_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")
_ASKS = re.compile(
    r"^\s*(?:\W*\s*)(?:summari[sz]e|list|tell|remind|give|recap|show|sort|rank|put|what|which|"
    r"when|where|who|how|do|does|did|is|are|was|were|can|could|have|has)\b",
    re.I,
)
SHORT = 200  # characters: a message this short is all question


def intent_of(question: str) -> Intent:
    """The kind read from the sentences that ask (a question, or an imperative such as
    "summarize …"); a long message that only tells (chat turns used as queries) is a lookup,
    whatever words it contains ("right now", "summary")."""
    asking = [s for s in _SENTENCE.findall(question) if s.strip().endswith("?") or _ASKS.match(s)]
    text = question if len(question) <= SHORT else " ".join(asking)
    for intent, pattern in _RULES:
        if pattern.search(text):
            return intent
    return Intent.FACT


def arrange(intent: Intent, ranked: Sequence[Item], k: int) -> list[Item]:
    """The answer's ``k`` items in the shape ``intent`` asks for (``ranked``: best first)."""
    if intent in PER_SESSION:
        picked = _spread(ranked, PER_SESSION[intent], k)
        if intent is Intent.ORDERING:
            picked.sort(key=lambda i: (i.time is None, i.time, i.id))
        return picked
    top = list(ranked[:k])
    if intent is Intent.LATEST and top:
        best = top[0].score
        near = [i for i in top if i.score >= NEAR_BEST * best and i.time is not None]
        near.sort(key=lambda i: i.time, reverse=True)  # type: ignore[arg-type, return-value]
        return near + [i for i in top if i not in near]
    return top


def _spread(ranked: Sequence[Item], per_session: int, k: int) -> list[Item]:
    """Best first, at most ``per_session`` per session, filled up if sessions run out."""
    out: list[Item] = []
    count: dict[str | None, int] = defaultdict(int)
    for item in ranked:
        if count[item.interaction_id] < per_session:
            out.append(item)
            count[item.interaction_id] += 1
    out += [i for i in ranked if i not in out]
    return out[:k]
