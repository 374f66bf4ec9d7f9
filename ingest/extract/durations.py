"""Durations with an anchor and the start dates they bound: SINCE facts (no model).

* "We've been married for five years", "I've been painting for 7 years now", "I have been
  working here for 2 months" → SINCE ``"married for 5 years"`` (the start is the statement time
  minus the duration; ``query/contradictions.py`` computes it).
* "We got married in 2019", "I started painting in 2016", "I've been vegan since March 2020",
  "I began running on May 3, 2021" → SINCE ``"married in 2019"`` (the span key at its grain).

The activity is the word that names it, compared by stem (``activity_stem``): "been painting",
"started painting" and "painting since" are one activity; "married" and "got married" too.
Negations ("I haven't been ...") and questions give nothing; hedges get confidence 0.6.
"""

from __future__ import annotations

import re

from strata.ingest.extract.facts import Ctx, FactHit
from strata.ingest.extract.numbers import DATE, hedged, number, resolve_date, subject
from strata.ingest.models import FactOut, Predicate

_F = re.IGNORECASE
_SUBJ = r"(?P<subj>(?<![\w'])(?:I|we)(?![\w.]))"
_NUM = (
    r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
)
_FOR = re.compile(
    _SUBJ
    + r"(?:'ve|\s+have)\s+been\s+(?P<act>[a-z]+)\b[^.;!?]{0,40}?\s+for\s+(?:about\s+|almost\s+"
    r"|nearly\s+|over\s+|around\s+)?" + _NUM + r"\s+(?P<unit>years?|months?)\b",
    _F,
)
_SINCE = re.compile(
    _SUBJ
    + r"(?:'ve|\s+have)\s+been\s+(?P<act>[a-z]+)\b[^.;!?]{0,40}?\s+since\s+(?P<when>"
    + DATE
    + r")\b",
    _F,
)
_STARTED = re.compile(
    _SUBJ + r"\s+(?:started|began|got|first\s+started)\s+(?P<act>[a-z]+)\b[^.;!?]{0,40}?\s+"
    r"(?:in|on)\s+(?P<when>" + DATE + r")\b",
    _F,
)
_NOT_ACTIVITY = frozenset(
    {"a", "an", "the", "to", "so", "really", "very", "here", "there", "in", "on", "at", "with",
     "doing", "going", "feeling", "thinking", "trying", "having", "getting", "back", "out", "up"}
)  # fmt: skip


def activity_stem(word: str) -> str:
    """A crude stem so "painting", "painted" and "paint" meet ("married" → "marri")."""
    w = word.lower()
    for suffix in ("ing", "ied", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + ("i" if suffix == "ied" else "")
            break
    return w.rstrip("e") if len(w) > 4 else w


def duration_facts(ctx: Ctx, raw: str) -> list[FactHit]:
    """SINCE facts of one sentence; ``raw`` is the unmasked sentence."""
    if raw.rstrip().endswith("?") or re.search(r"\b(?:if|unless|whether)\b", raw, _F):
        return []
    out: list[FactHit] = []
    for m in _FOR.finditer(raw):
        n, act = number(m.group("n")), m.group("act").lower()
        if n is None or act in _NOT_ACTIVITY or n == 0:
            continue
        unit = "years" if m.group("unit").lower().startswith("year") else "months"
        out.append(_fact(ctx, raw, m, f"{act} for {n} {unit}"))
    for pattern in (_SINCE, _STARTED):
        for m in pattern.finditer(raw):
            act, span = m.group("act").lower(), resolve_date(m.group("when"))
            if act in _NOT_ACTIVITY or span is None:
                continue
            out.append(_fact(ctx, raw, m, f"{act} in {span.key}"))
    return out


def _fact(ctx: Ctx, raw: str, m: re.Match[str], obj: str) -> FactHit:
    who = subject(m.group("subj"), ctx) or ctx.speaker
    conf = 0.6 if hedged(raw, m) else 0.9
    return FactHit(FactOut(who, Predicate.SINCE, obj, True, conf, ctx.time), obj, None)
