"""Dates of life events and relative claims between events, found by rules (no model).

They are stored as persona facts of the speaker (evidence turn, statement time), so edits,
deletes and rebuilds treat them like every other fact; ``query/event_sheaf.py`` turns them into
dates and offsets for the sheaf.

* EVENT_DATE [``"<event> on <span key>"``: the span at its grain, ``2023-06-03``, ``2023-W19``,
  ``2023-06``, ``2023``] — "we got married on June 3, 2023", "we moved last month", "our
  wedding was in June 2023", "Last spring I graduated". The time is resolved against the
  message time (past tense). Only milestones (``MILESTONES``: events people date and that
  happen once, such as the wedding or the move) are dated from any time expression; another
  event ("I went to the concert") only from an absolute date with its year, because repeated
  events ("went camping last weekend", "... in July") would otherwise tie unrelated occurrences.
* EVENT_OFFSET [``"<event b> after <event a> by <n> <unit>"``, ``n`` negative for "before"] —
  "we moved here two months after the wedding", "I started the new job a week before my birthday",
  "three days after the concert I got sick", "the move was a year after we got married", "we got
  married in June and two months later we moved" (or "Two months later, we moved." after it).

Facts are about the speaker for "I"/"we" and "the wedding", else about the named subject ("Emma
moved two months after her wedding" is on Emma's timeline); "we moved after her wedding" mixes
two timelines and gives nothing. Events are keyed by their first content word (``event_key``):
"got married", "our wedding" and "the wedding" are ``wedding``; "moved here", "the move" and
"moving" are ``move``; "started the new job" and "my new job" are ``job``. Questions,
conditionals, future plans ("we'll move two months after the wedding") give nothing; negations
("we didn't move ...") keep polarity False; hedges ("about two months", "a couple of weeks", "I
think") get confidence 0.6 and the sheaf ignores them.
"""

from __future__ import annotations

import re
from datetime import datetime

from strata.ingest.extract.facts import Ctx, FactHit
from strata.ingest.extract.lexicon import IRREGULAR_PAST, NOT_VERBS_ED, words
from strata.ingest.extract.numbers import hedged, number, subject
from strata.ingest.models import EntityRef, FactOut, Predicate
from strata.ingest.timeparse import find_time_expressions, resolve_span

_F = re.IGNORECASE
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}
_N = (
    r"(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|(?:a\s+)?couple\s+(?:of\s+)?|(?:a\s+)?few|several)"
)
_OFFSET = (
    r"(?:(?P<hedge>about|around|roughly|almost|nearly|like|maybe|probably|approximately|over"
    r"|under|less\s+than|more\s+than|at\s+least)\s+)?(?:(?:just|only|exactly)\s+)?"
    rf"(?:{_N}\s*(?P<unit>days?|weeks?|months?|years?)(?P<orso>\s+or\s+so)?"
    r"|the\s+(?P<unit1>day|week|month|year))"
    r"\s+(?P<dir>after|before|later\s+than|earlier\s+than|prior\s+to)"
)
_WORDS = r"(?:\s+[a-z']+){0,3}"
# what an event may be named by: "the wedding", "our big move", "Emma's wedding", "we got
# married", "moving in", "graduation"
_EVENT = (
    rf"(?:(?:the|my|our|his|her|their|[A-Z][a-z]+'s)\s+[a-z']+{_WORDS}|(?:I|we|you)\s+[a-z']+{_WORDS}"
    rf"|[a-z]+ing{_WORDS}|(?:graduation|retirement|christmas))"
)
_NAME = r"(?-i:(?!(?:The|My|Our|His|Her|Their|Oh|So|Then|And|But|Well|Yeah|Also)\b)[A-Z][a-z]+)"
_AW = r"(?!(?:i|we|you)\b)[a-z0-9']+"  # a word of the clause, not a new subject
_END = r"(?=\s*(?:[,.;!?)]|$|\s(?:and|but|so|because|when|which|while|then|lol|haha)\b))"
_A_FIRST = re.compile(
    rf"(?<![\w'])(?P<subj>I|we|{_NAME})\s+(?P<a>{_AW}(?:,?\s+{_AW}){{0,6}}?),?\s+{_OFFSET}\s+"
    rf"(?P<b>{_EVENT}){_END}",
    _F,
)
_A_NOUN = re.compile(
    rf"(?<![\w'])(?P<a>(?:the|my|our)\s+[a-z']+(?:\s+[a-z']+)?)\s+(?:was|came|happened)"
    rf"(?P<born>\s+born)?\s+"
    rf"{_OFFSET}\s+(?P<b>{_EVENT}){_END}",
    _F,
)
_B_FIRST = re.compile(
    rf"(?:^|[,;:]\s*|\b(?:and|so|then|but)\s+)(?:then\s+)?{_OFFSET}\s+(?P<b>{_EVENT}),?\s+"
    rf"(?P<subj>I|we)\s+(?P<a>{_AW}(?:\s+{_AW}){{0,6}}?)" + _END,
    _F,
)
_LATER = re.compile(
    r"(?:^\W*|[,;]\s*|\b(?:and|then|but|so)\s+)(?:then\s+)?(?:(?P<hedge>about|around|roughly"
    r"|almost|nearly|maybe|probably)\s+)?(?:(?:just|only|exactly)\s+)?"
    rf"{_N}\s*(?P<unit>days?|weeks?|months?|years?)(?P<orso>\s+or\s+so)?\s+later,?\s+"
    rf"(?P<subj>I|we)\s+(?P<a>{_AW}(?:\s+{_AW}){{0,6}}?){_END}",
    _F,
)
_EARLIER = re.compile(
    rf"(?<![\w'])(?:I|we)\s+(?P<b>{_AW}(?:,?\s+{_AW}){{0,6}}?)[\s,;]*(?:and\s*)?(?:then\s*)?$", _F
)
_CLAUSE = re.compile(rf"(?<![\w'])(?:I|we)\s+(?P<b>{_AW}(?:\s+{_AW}){{0,6}}?){_END}", _F)
_NOT_SAID = re.compile(
    r"\b(?:if|unless|whether|wish|imagine|suppose|would|could|should|might|will|gonna"
    r"|going\s+to|plan(?:ning)?\s+to|want\s+to|hope\s+to)\b|'ll\b|'d\b",
    _F,
)
_NEGATION = re.compile(r"\b(?:not|never|didn't|did\s+not|haven't|hadn't|wasn't|weren't)\b", _F)

# first word of an event phrase → its key ("married" and "wedding" are one event)
_CANON = {
    "married": "wedding", "marry": "wedding", "marrying": "wedding", "wed": "wedding",
    "wedding": "wedding", "engaged": "engagement", "engagement": "engagement",
    "moved": "move", "move": "move", "moving": "move", "relocated": "move",
    "graduated": "graduation", "graduating": "graduation", "graduation": "graduation",
    "retired": "retirement", "retiring": "retirement", "retirement": "retirement",
    "divorced": "divorce", "divorce": "divorce", "born": "birth", "birth": "birth",
    "baby": "birth", "honeymoon": "honeymoon", "promoted": "promotion",
    "promotion": "promotion", "hired": "job", "job": "job", "surgery": "surgery",
    "operation": "surgery", "accident": "accident", "funeral": "funeral",
    "adopted": "adoption", "adoption": "adoption", "birthday": "birthday",
    "broke": "breakup", "breakup": "breakup", "diagnosed": "diagnosis",
    "diagnosis": "diagnosis", "sick": "sick", "ill": "sick",
}  # fmt: skip
MILESTONES = frozenset(set(_CANON.values()) - {"birthday", "sick"})
_SKIP = words(
    "i|we|you|he|she|they|the|a|an|my|our|his|her|their|your|new|first|big|little|whole|"
    "here|there|in|into|out|back|to|up|finally|just|actually|really|also|then|officially|"
    "started|start|starting|began|begin|got|get|getting|went|go|going|attended|joined|had|"
    "have|did|was|were|been|into|at|of|with|for|from|this|that|when|all|so|both|up|down|"
    "over|on|away|off|together|eventually|ever|since|after|before|never|not|it|them|him|bought"
)
_KEY_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def event_key(phrase: str) -> str | None:
    """The event a phrase names: its first content word, canonical ("got married" → wedding);
    a named owner is kept ("Emma's wedding" → "emma wedding")."""
    owner = ""
    for w in _KEY_WORD.findall(phrase):
        low = w.lower()
        if low.endswith("'s") and w[:1].isupper():
            owner = low[:-2] + " "
            continue
        if low in _SKIP or "'" in low:
            continue
        return owner + _CANON.get(low, _stem(low))
    return None


def _stem(word: str) -> str:
    """A crude stem so "painting", "painted" and "paint" meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2]:
        word = word[:-1]  # "shopping" → "shopp" → "shop"
    return word.rstrip("e") if len(word) > 3 else word


def event_facts(ctx: Ctx, raw: str, anchor: datetime | None, previous: str = "") -> list[FactHit]:
    """EVENT_DATE and EVENT_OFFSET facts of one sentence; ``raw`` is the unmasked sentence,
    ``anchor`` the message time relative dates resolve against and ``previous`` the sentence
    before it in the turn ("We got married in June. Two months later we moved.")."""
    if raw.rstrip().endswith("?"):
        return []
    return _relations(ctx, raw) + _later(ctx, raw, previous) + _dates(ctx, raw, anchor)


def _relations(ctx: Ctx, raw: str) -> list[FactHit]:
    out: list[FactHit] = []
    for pattern in (_A_FIRST, _A_NOUN, _B_FIRST):
        for m in pattern.finditer(raw):
            a = "birth" if m.groupdict().get("born") else event_key(m["a"])
            b = event_key(m["b"])
            offset = _offset(m)
            if a is None or b is None or a == b or offset is None:
                continue
            if _NOT_SAID.search(raw, 0, m.end()):
                continue  # a plan, a wish or a conditional is not a claim about what happened
            who = _who(m, ctx)
            mine = who is ctx.speaker and m.groupdict().get("subj")
            if who is None or (mine and re.match(r"(?:his|her|their)\b", m["b"], _F)):
                continue  # "we moved after her wedding": not one person's timeline
            if pattern is not _A_NOUN and not _past(m["a"]):
                continue
            n, unit = offset
            sign = 1 if m["dir"].lower() in ("after", "later than") else -1
            obj = f"{a} after {b} by {sign * n} {unit}s"
            vague = re.search(r"couple|few|several", m["n"] or "", _F)
            conf = 0.6 if hedged(raw, m) or m["orso"] or vague else 0.9
            polarity = not _NEGATION.search(m["a"])
            out.append(_fact(ctx, Predicate.EVENT_OFFSET, obj, polarity, conf, who))
    return out


def _later(ctx: Ctx, raw: str, previous: str) -> list[FactHit]:
    """An "<earlier clause>, and N units later I/we <clause>": the earlier event is the clause
    before, in this sentence or (when the sentence opens with "N units later") the first past
    clause of the previous one."""
    out: list[FactHit] = []
    for m in _LATER.finditer(raw):
        before = _EARLIER.search(raw[: m.start()])
        if before is None and not raw[: m.start()].strip(" ,;"):
            before = next((c for c in _CLAUSE.finditer(previous) if _past(c["b"])), None)
        offset = _offset(m)
        if before is None or offset is None or not (_past(m["a"]) and _past(before["b"])):
            continue
        a, b = event_key(m["a"]), event_key(before["b"])
        if a is None or b is None or a == b or _NOT_SAID.search(raw, 0, m.end()):
            continue
        vague = re.search(r"couple|few|several", m["n"] or "", _F)
        conf = 0.6 if hedged(raw, m) or m["orso"] or vague else 0.9
        polarity = not (_NEGATION.search(m["a"]) or _NEGATION.search(before["b"]))
        obj = f"{a} after {b} by {offset[0]} {offset[1]}s"
        out.append(_fact(ctx, Predicate.EVENT_OFFSET, obj, polarity, conf))
    return out


def _offset(m: re.Match[str]) -> tuple[int, str] | None:
    if m.groupdict().get("unit1"):
        return 1, m["unit1"].lower()
    raw = " ".join(m["n"].lower().split())
    n = 2 if "couple" in raw else 3 if raw.endswith("few") or raw == "several" else number(raw)
    if raw in ("a", "an"):
        n = 1
    unit = m["unit"].lower().rstrip("s")
    return None if n is None or n <= 0 else (n, unit)


def _past(clause: str) -> bool:
    """Does the clause after the subject start with a past (or negated past) verb?"""
    negated = False
    for w in (w.lower() for w in clause.split()[:3]):
        if w in ("didn't", "did", "never", "not"):
            negated = True
        elif w not in ("finally", "just", "actually", "only", "had", "then", "first"):
            return negated or w in IRREGULAR_PAST or (w.endswith("ed") and w not in NOT_VERBS_ED)
    return False


_DATE_CLAUSE = re.compile(
    rf"(?:(?<![\w'])(?P<subj>I|we|{_NAME})\s+"
    rf"(?P<a>{_AW}(?:\s+{_AW}){{0,5}}?)|(?<![\w'])(?P<np>(?:the|my|our)\s+[a-z']+(?:\s+[a-z']+)?)\s+"
    r"(?:was|happened|took\s+place))\s*$",
    _F,
)
_LEADING_DATE = re.compile(r"^,?\s*(?P<subj>I|we)\s+(?P<a>[a-z']+(?:\s+[a-z']+){0,5}?)" + _END, _F)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def _dates(ctx: Ctx, raw: str, anchor: datetime | None) -> list[FactHit]:
    out: list[FactHit] = []
    for t in find_time_expressions(raw):
        before = _DATE_CLAUSE.search(raw, 0, t.start)
        after = _LEADING_DATE.match(raw[t.end :]) if not before else None
        m = before or after
        if m is None or _NOT_SAID.search(raw, 0, t.end):
            continue
        phrase = m["np"] if m.groupdict().get("np") else m["a"]
        key = event_key(phrase)
        if key is None or (not m.groupdict().get("np") and not _past(m["a"])):
            continue
        if key not in MILESTONES and not _YEAR.search(t.text):
            continue
        span = resolve_span(t.text, anchor, "past")
        who = _who(m, ctx)
        if span is None or who is None or (anchor is not None and span.start > anchor):
            continue
        conf = 0.6 if hedged(raw, m) else 0.9
        polarity = not _NEGATION.search(phrase)
        out.append(_fact(ctx, Predicate.EVENT_DATE, f"{key} on {span.key}", polarity, conf, who))
    return out


def _who(m: re.Match[str], ctx: Ctx) -> EntityRef | None:
    """Whose event: the speaker for I/we (and for "the wedding"), else the named person."""
    said = m.groupdict().get("subj")
    if not said or said.lower() in ("i", "we"):
        return ctx.speaker
    if said.lower() in _SKIP or said.lower().endswith("ly"):
        return None  # "Then moved ...", "Honestly moved ..." name nobody
    return subject(said, ctx)


def _fact(
    ctx: Ctx, p: Predicate, obj: str, polarity: bool, conf: float, who: EntityRef | None = None
) -> FactHit:
    return FactHit(FactOut(who or ctx.speaker, p, obj, polarity, conf, ctx.time), obj, None)
