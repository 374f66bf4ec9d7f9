"""Numeric and relative claims about people, found by rules (no model): ages, birth dates, age
gaps and counts. They are stored as persona facts (evidence turn, statement time, validity), so
edits, deletes and rebuilds treat them like every other fact; ``query/contradictions.py`` turns
them into numbers for the sheaf.

What is extracted (object encodings in brackets):

* AGE [``"32"``] — "I'm 32", "I am 32 years old", "Emma just turned 30", "my sister is 35",
  "Emma is a 30-year-old nurse", "I'm turning 33 next week" (the age before the birthday).
* BORN [``"1985"``, ``"1985-03"``, ``"1985-03-04"``: the span key at its grain] — "I was born in
  1985", "born on March 4, 1985", "Emma was born in March 1985". A place ("born in Ohio") is
  not a number and gives nothing.
* OLDER_THAN [``"<other key> by <years>"``, negative when younger] — "my sister Emma is 3 years
  older than me", "I'm two years younger than Emma".
* COUNT [``"2 children"``] — "I have two kids", "my three children", "we have 2 dogs", "I have
  no kids" (0).

Subjects are "I" (the speaker), a name ("Emma"), "my <relation> <Name>" (the name) or
"my <relation>" (the relation word). Questions, conditionals ("if I were 30") and past ages
("when I was 10", "I was 30 then") give nothing; negations ("I'm not 32") keep polarity False;
hedges ("almost 30", "I think she's 35") get confidence 0.6 and the sheaf ignores them.
"""

from __future__ import annotations

import re
from datetime import datetime

from strata.ingest.extract.facts import Ctx, FactHit
from strata.ingest.extract.lexicon import FAMILY_RELATIONS, STOP_CAPITALS
from strata.ingest.extract.patterns import NUMBER_WORDS
from strata.ingest.extract.text import normalise_key, person_ref
from strata.ingest.models import EntityRef, FactOut, Predicate
from strata.ingest.timeparse import Grain, TimeSpan, resolve_span

P = Predicate
_NUM = (
    r"(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|a\s+couple\s+of|a\s+few)"
)
_REL = "|".join(sorted(FAMILY_RELATIONS, key=len, reverse=True))
_NAME = r"(?-i:[A-Z][a-z]+)"
_KIN = rf"(?:my|our)\s+(?:(?:older|younger|big|little|baby|twin|elder)\s+)?(?:{_REL})"
_SUBJ = (
    rf"(?P<{{g}}>(?<![\w'])I(?![\w.])|{_KIN}(?:\s*,?\s*{_NAME})?|(?<![\w']){_NAME}"
    rf"(?:,\s+{_KIN},)?)(?:,(?=\s))?"
)
_BE = r"(?:'m|'s|\s+am|\s+is|\s+are|'re)"
_NEG = r"(?P<neg>\s+not|n't)?"
_HEDGE_WORD = r"(?P<hedge>almost|nearly|about|around|roughly|probably|maybe|like)"
_AGE_TAIL = (
    r"(?:\s*(?:years?|yrs?)(?:[-\s]*old)?|\s*y/?o)?"
    r"(?=\s*(?:[.,!;?]|$|and\b|but\b|now\b|so\b|too\b|this\b|today\b|lol\b))"
)
_F = re.IGNORECASE
_AGE_NOW = re.compile(
    _SUBJ.format(g="subj")
    + _BE
    + _NEG
    + rf"\s+(?:now\s+|already\s+|only\s+|just\s+|{_HEDGE_WORD}\s+)?"
    rf"(?P<n>{_NUM})" + _AGE_TAIL,
    _F,
)
_AGE_NOUN = re.compile(
    _SUBJ.format(g="subj") + _BE + _NEG + rf"\s+(?:a|an)\s+(?P<n>{_NUM})[-\s]years?[-\s]old\b", _F
)
_TURNED = re.compile(
    r"(?:^\W*(?=(?:just\s+)?turned)|"
    + _SUBJ.format(g="subj")
    + ")"
    + rf"(?:'s|\s+has|'ve|\s+have)?\s*(?:just\s+|recently\s+)?turned\s+"
    rf"(?P<n>{_NUM})\b",
    _F,
)
_TURNING = re.compile(
    _SUBJ.format(g="subj") + rf"(?:{_BE}\s+turning|\s+will\s+turn|\s+turns)\s+(?P<n>{_NUM})\b", _F
)
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DATE = (
    rf"(?:{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?"
    rf"\s+(?:of\s+)?{_MON},?\s+\d{{4}}|{_MON},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}})"
)
_BORN = re.compile(
    r"(?:^\W*(?=born\b)|" + _SUBJ.format(g="subj") + r"\s+(?:was|were)(?P<neg>\s+not|n't)?\s+)"
    r"born\s+(?:[^,.;!?]*?\s)?"
    rf"(?:on|in)\s+(?P<when>{DATE})\b",
    _F,
)
_GAP = re.compile(
    _SUBJ.format(g="subj") + _BE + _NEG + rf"\s+(?:{_HEDGE_WORD}\s+)?(?P<n>{_NUM})\s+years?\s+"
    rf"(?P<dir>older|younger)(?:\s+than\s+(?:(?P<me>me\b|I\b(?:\s+am\b)?)|"
    + _SUBJ.format(g="other").replace("(?<![\\w'])I(?![\\w.])|", "")
    + r")|(?=\s*[.,!;]|\s*$))",
    _F,
)
_COUNT_NOUNS = {
    "kid": "children", "kids": "children", "child": "children", "children": "children",
    "son": "sons", "sons": "sons", "daughter": "daughters", "daughters": "daughters",
    "dog": "dogs", "dogs": "dogs", "cat": "cats", "cats": "cats", "pet": "pets", "pets": "pets",
    "sibling": "siblings", "siblings": "siblings", "brother": "brothers", "brothers": "brothers",
    "sister": "sisters", "sisters": "sisters", "grandkids": "grandchildren",
    "grandchildren": "grandchildren",
}  # fmt: skip
_NOUN = "|".join(sorted(_COUNT_NOUNS, key=len, reverse=True))
_COUNT = re.compile(
    r"(?:(?<![\w'])(?:I|we)(?:'ve|\s+have|\s+got|\s+have\s+got)|(?<![\w'])(?:my|our))"
    rf"(?P<neg>\s+no)?\s+(?:(?P<n>{_NUM})\s+)?(?:(?:lovely|wonderful|little|young|grown|amazing|"
    rf"beautiful|adult|own)\s+)?(?P<noun>{_NOUN})\b",
    _F,
)
_QUESTIONISH = re.compile(r"\b(?:if|unless|whether|wish|imagine|pretend|suppose|when|once)\b", _F)
_NOT_NAMES = frozenset(
    {"the", "this", "that", "it", "he", "she", "we", "they", "you", "there", "mine", "his", "hers",
     "just", "born", "still", "now", "well", "so", "oh", "yeah", "finally", "recently", "today"}
)  # fmt: skip
_PAST = re.compile(r"\b(?:was|were|used\s+to)\b", _F)


def numeric_facts(ctx: Ctx, raw: str) -> list[FactHit]:
    """Numeric claims of one sentence; ``raw`` is the unmasked sentence (dates stay readable)."""
    if raw.rstrip().endswith("?"):
        return []
    hits: list[FactHit] = []
    hits += _ages(ctx, raw)
    hits += _births(ctx, raw)
    hits += _gaps(ctx, raw)
    hits += _counts(ctx, raw)
    return hits


def _ok(raw: str, m: re.Match[str]) -> bool:
    """Not inside a conditional or a "when I was ..." clause."""
    return not _QUESTIONISH.search(raw, max(0, m.start() - 40), m.start())


def subject(text: str | None, ctx: Ctx) -> EntityRef | None:
    if not text:
        return None
    t = " ".join(text.split())
    if t.lower() in ("i", "me"):
        return ctx.speaker
    words = [w.strip(",") for w in t.split()]
    if words[0].lower() in ("my", "our"):
        name = [w for w in words[1:] if w[:1].isupper()]
        if name:
            return person_ref(name[-1])
        relation = " ".join(
            w
            for w in words[1:]
            if w.lower() not in ("older", "younger", "big", "little", "baby", "twin")
        )
        return EntityRef(
            relation, person_ref(relation).kind, normalise_key(f"{ctx.speaker.key} {relation}")
        )
    if words[0].lower() in STOP_CAPITALS or words[0].lower() in _NOT_NAMES:
        return None
    return person_ref(words[0])


def _speaker(m: re.Match[str], ctx: Ctx) -> EntityRef | None:
    """A sentence without a subject ("Born in 1985", "Just turned 32") is about the speaker."""
    return ctx.speaker if m.groupdict().get("subj") is None else None


def number(text: str) -> int | None:
    t = " ".join(text.lower().replace("-", " ").split())
    if t.isdigit():
        return int(t)
    if t in ("a couple of", "a few"):
        return None
    parts = t.split()
    if not parts or any(p not in NUMBER_WORDS for p in parts):
        return None
    return sum(NUMBER_WORDS[p] for p in parts)


def _fact(
    subject: EntityRef, p: Predicate, obj: str, polarity: bool, conf: float, ctx: Ctx
) -> FactHit:
    fact = FactOut(subject, p, obj, polarity, conf, ctx.time)
    return FactHit(fact, obj, None)


def hedged(raw: str, m: re.Match[str]) -> bool:
    before = raw[max(0, m.start() - 30) : m.start()].lower()
    return bool(m.groupdict().get("hedge")) or any(
        w in before for w in ("i think", "i guess", "maybe", "probably", "i believe", "not sure")
    )


def _ages(ctx: Ctx, raw: str) -> list[FactHit]:
    out: list[FactHit] = []
    for pattern, shift in ((_AGE_NOW, 0), (_AGE_NOUN, 0), (_TURNED, 0), (_TURNING, -1)):
        for m in pattern.finditer(raw):
            n, who = number(m.group("n")), subject(m.group("subj"), ctx) or _speaker(m, ctx)
            if n is None or who is None or not 1 <= n + shift <= 120 or not _ok(raw, m):
                continue
            if pattern is _AGE_NOW and who is not ctx.speaker and n < 5:
                continue  # "Emma is 3 years ..." is caught by _GAP; tiny ages need years old
            conf = 0.6 if hedged(raw, m) else 0.9
            out.append(_fact(who, P.AGE, str(n + shift), not m.groupdict().get("neg"), conf, ctx))
    return out


def _births(ctx: Ctx, raw: str) -> list[FactHit]:
    out: list[FactHit] = []
    for m in _BORN.finditer(raw):
        who = subject(m.group("subj"), ctx) or _speaker(m, ctx)
        span = resolve_date(m.group("when"))
        if who is None or span is None or span.grain not in (Grain.DAY, Grain.MONTH, Grain.YEAR):
            continue
        if not _ok(raw, m):
            continue
        conf = 0.6 if hedged(raw, m) else 0.9
        out.append(_fact(who, P.BORN, span.key, not m.group("neg"), conf, ctx))
    return out


def _gaps(ctx: Ctx, raw: str) -> list[FactHit]:
    out: list[FactHit] = []
    for m in _GAP.finditer(raw):
        n = number(m.group("n"))
        who, other = subject(m.group("subj"), ctx), subject(m.group("other"), ctx)
        kin = m.group("subj").lower().startswith(("my", "our"))
        if m.group("me") or (other is None and kin):
            other = ctx.speaker  # "than I am"; "my sister is 3 years older" (than me)
        if n is None or who is None or other is None or who.key == other.key or not _ok(raw, m):
            continue
        years = n if m.group("dir").lower() == "older" else -n
        conf = 0.6 if hedged(raw, m) else 0.9
        obj = f"{other.key} by {years}"
        out.append(_fact(who, P.OLDER_THAN, obj, not m.group("neg"), conf, ctx))
    return out


def _counts(ctx: Ctx, raw: str) -> list[FactHit]:
    out: list[FactHit] = []
    for m in _COUNT.finditer(raw):
        if not _ok(raw, m) or _PAST.search(raw, max(0, m.start() - 15), m.start()):
            continue
        noun = m.group("noun").lower()
        n = 0 if m.group("neg") else (number(m.group("n")) if m.group("n") else None)
        if n is None or (n == 1 and noun.endswith(("s", "ren"))) or n > 30:
            continue
        conf = 0.6 if hedged(raw, m) else 0.9
        out.append(_fact(ctx.speaker, P.COUNT, f"{n} {_COUNT_NOUNS[noun]}", True, conf, ctx))
    return out


def resolve_date(text: str) -> TimeSpan | None:
    """An absolute date as written ("March 4th, 1985", "the 4th of July 1990", "1985")."""
    when = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bthe\s+|\bof\s+", "", text, flags=_F)
    when = when.replace(",", "").strip()
    return resolve_span(f"in {when}" if when.isdigit() else when, None, "past")


def birth_years(fact_object: str) -> tuple[float, float] | None:
    """A BORN object as ``[start, end)`` in fractional years ("1985" → 1985.0-1986.0)."""
    parts = fact_object.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return float(year), float(year + 1)
        start = datetime(year, int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None
    width = 1 / 365.25 if len(parts) > 2 else 1 / 12
    return year_fraction(start), year_fraction(start) + width


def year_fraction(when: datetime) -> float:
    """A time as fractional years (2024-07-02 → ~2024.5)."""
    start = datetime(when.year, 1, 1, tzinfo=when.tzinfo)
    return when.year + (when - start).total_seconds() / (365.25 * 86_400)
