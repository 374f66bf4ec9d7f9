"""Events (who did what, when) and queries (questions, requests) in one sentence.

Invariants:

* An event needs a verb clause: a subject ("I", "we", a person mentioned in the turn, he/she/they)
  followed by a past or future verb. It is emitted when a time expression lies in or near the
  clause, or, without one, only when the subject is first person and the verb is an action (not a
  state such as "was", "felt", "thought"). Questions give no events. Precision over recall.
* ``what`` is the clause as written from its verb to the clause end, with time expressions
  removed ("went to a LGBTQ support group"), at most ``MAX_WHAT_WORDS`` words.
* ``when`` is the nearest time expression resolved against the turn time; the clause tense picks
  among repeats ("on Friday" in a past clause is the latest Friday before the turn). ``None``
  when there is no expression or no anchor.
* ``who`` is the subject (the speaker for "I"/"we") plus the people mentioned in the clause.
* A sentence is a request when it opens (after greetings) with a request form ("Can you",
  "Please", "Remind me", "Tell me", ...), otherwise a question when it ends with "?" and has at
  least three words ("Really?" is not recorded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from strata.ingest.extract.entities import Mention
from strata.ingest.extract.lexicon import (
    IRREGULAR_PAST,
    NOT_PLANS,
    NOT_VERBS_ED,
    STATIVE_PAST,
    words,
)
from strata.ingest.extract.text import unique_by_key
from strata.ingest.models import EntityKind, EntityRef, EventOut, QueryOut
from strata.ingest.timeparse import Tense, TimeMention, resolve

MAX_WHAT_WORDS = 16

_ADVERBS = (
    r"(?:(?:just|finally|recently|also|actually|really|already|even|totally|then|all|both"
    r"|eventually|once|still|ever|first|officially|suddenly|quickly|literally|definitely"
    r"|probably|both)\s+)*"
)
# A lookahead, so overlapping candidates are all seen ("Then we went": "Then we", "we went").
_HEAD = re.compile(
    r"(?<![\w'])(?=(?P<subj>[Ii]|[Ww]e|[Hh]e|[Ss]he|[Tt]hey|[A-Z][a-z]+)"
    r"(?P<aux>'ll|'m|'re|'ve|'s|'d|\s+will|\s+shall|\s+am|\s+are|\s+is|\s+was|\s+were|\s+have"
    r"|\s+has|\s+had)?\s+" + _ADVERBS + r"(?P<verb>[a-z]+)(?![\w'])(?:\s+(?P<next>[a-z]+))?)"
)
_CLAUSE_END = re.compile(
    r"[.!?;:,]|\s?[-\u2013\u2014]\s"
    r"|\s+(?=(?:but|because|cause|'cause|although|though|while|whereas|which|so\s+that"
    r"|and\s+then)\b)"
    r"|\s+and\s+(?=(?:i|we|he|she|they|it|then|my)\b)",
    re.IGNORECASE,
)
# What may stand right before a subject that starts a main clause. Anything else ("the help I
# got", "a show I went to") makes it a relative clause, whose verb lacks its object.
_CLAUSE_OPENERS = words(
    "and|but|so|then|because|cause|'cause|when|while|after|before|since|as|if|that|also|just|"
    "finally|recently|actually|now|today|yesterday|tonight|think|guess|know|knew|said|says|"
    "believe|feel|felt|hope|wish|realized|realised|mean|plus|oh|yeah|yes|well|anyway|btw|okay|"
    "ok|sure|lol|haha|tbh|honestly|though|where|once|until|whenever|wow|omg|hey|hi|guys|too"
)
_DANGLING = re.compile(r"^[\s,]+|(?:[\s,]+(?:and|on|in|at|during|since|from|of|the))*[\s,]+$")
_FIRST_PERSON = frozenset({"i", "we"})
_FUTURE_AUX = frozenset({"'ll", "will", "shall"})
_BE_PRESENT = frozenset({"'m", "am", "'re", "are", "is", "'s"})
_BE_PAST = frozenset({"was", "were"})
_PERFECT = frozenset({"'ve", "have", "has"})
_GOING = frozenset({"going", "gonna", "planning", "about", "hoping"})
_LOCATIVE = words("at|in|on|with|there|home|back|out|away|off")
_EVENT_PARTICIPLES = words(
    "born|married|promoted|hired|fired|diagnosed|accepted|engaged|invited|injured|robbed|"
    "elected|awarded|admitted|discharged|baptized|adopted|divorced|arrested|rejected"
)


@dataclass(frozen=True)
class _Verb:
    kind: str  # "action" | "future" | "state"
    tense: Tense | None
    at_aux: bool  # "what" starts at the auxiliary ("was at the park", "had dinner")


@dataclass(frozen=True)
class SentenceEvent:
    event: EventOut
    time: TimeMention | None  # in document offsets
    tense: Tense | None


def _past_form(verb: str) -> bool:
    if verb in IRREGULAR_PAST:
        return True
    return verb.endswith("ed") and len(verb) > 3 and verb not in NOT_VERBS_ED


def _classify(aux: str, verb: str, nxt: str) -> _Verb | None:
    """What kind of clause ``<subject> <aux> <verb> <nxt>`` is, if any."""
    if not aux:
        if verb in STATIVE_PAST:
            return _Verb("state", "past", False)
        return _Verb("action", "past", False) if _past_form(verb) else None
    if aux in _FUTURE_AUX:
        return None if verb in NOT_PLANS else _Verb("future", "future", False)
    if aux in _BE_PRESENT:
        if verb == "gonna" or (verb in _GOING and nxt in ("to", "on")):
            return _Verb("future", "future", False)
        return _Verb("state", "future", False) if verb.endswith("ing") else None
    if aux in _BE_PAST:
        if verb in _LOCATIVE or verb in _EVENT_PARTICIPLES or verb.endswith("ing"):
            return _Verb("state", "past", True)
        return None  # "I was tired yesterday" is a mood, not an event
    if aux in _PERFECT or aux == "had":
        if verb == "been" or (verb in STATIVE_PAST and aux != "had"):
            return _Verb("state", "past", False)
        if _past_form(verb):
            return _Verb("action", "past", False)
        return _Verb("state", "past", True) if aux == "had" else None
    return None


def _clause_end(sentence: str, start: int) -> int:
    m = _CLAUSE_END.search(sentence, start)
    return m.start() if m else len(sentence)


def _what(sentence: str, start: int, end: int, times: list[TimeMention]) -> str:
    """The clause text with time expressions cut out and loose ends trimmed."""
    parts, pos = [], start
    for t in times:
        if start <= t.start < end:
            parts.append(sentence[pos : t.start])
            pos = max(pos, t.end)
    parts.append(sentence[pos:end])
    text = " ".join(" ".join(parts).split())
    text = _DANGLING.sub("", text)
    return " ".join(text.split()[:MAX_WHAT_WORDS])


def _nearest_time(times: list[TimeMention], start: int, end: int) -> TimeMention | None:
    inside = [t for t in times if start <= t.start < end]
    if inside:
        return inside[0]
    if not times:
        return None
    return min(times, key=lambda t: min(abs(t.end - start), abs(t.start - end)))


_GOING_TO = re.compile(
    r"^(?:(?:going|planning|about|hoping)\s+(?:to|on)|gonna)\s+(?=[a-z])(?!(?:the|a|an|my|our)\b)"
)


def sentence_events(
    sentence: str,
    offset: int,
    times: list[TimeMention],
    people: list[Mention],
    speaker: EntityRef,
    anchor: datetime | None,
) -> list[SentenceEvent]:
    """Events in one sentence. ``times`` are in sentence offsets, ``people`` in doc offsets."""
    if sentence.rstrip().endswith("?"):
        return []
    out: list[SentenceEvent] = []
    seen: set[str] = set()
    for m in _HEAD.finditer(sentence):
        found = _event_at(m, sentence, offset, times, people, speaker, anchor)
        if found is not None and found.event.what.casefold() not in seen:
            seen.add(found.event.what.casefold())
            out.append(found)
    return out


def _subject(
    subj: str, pos: int, people: list[Mention], speaker: EntityRef
) -> tuple[bool, EntityRef | None]:
    """(is a usable subject, who it is); capitalised words must be people mentioned."""
    low = subj.lower()
    if low in _FIRST_PERSON:
        return True, speaker
    if low in ("he", "she", "they"):
        return True, None
    for p in people:
        if p.ref.kind is EntityKind.PERSON and p.start <= pos < p.end:
            return True, p.ref
    return False, None


def _event_at(
    m: re.Match[str],
    sentence: str,
    offset: int,
    times: list[TimeMention],
    people: list[Mention],
    speaker: EntityRef,
    anchor: datetime | None,
) -> SentenceEvent | None:
    aux = (m["aux"] or "").strip().lower()
    verb = _classify(aux, m["verb"], (m["next"] or "").lower())
    if verb is None:
        return None
    usable, subject = _subject(m["subj"], m.start("subj") + offset, people, speaker)
    first_person = m["subj"].lower() in _FIRST_PERSON
    if not usable or not _opens_clause(sentence, m.start("subj"), times):
        return None
    start = m.start("aux") if verb.at_aux and m["aux"] else m.start("verb")
    end = _clause_end(sentence, start)
    time = _nearest_time(times, start, end)
    if time is None and (verb.kind != "action" or not first_person):
        return None  # undated: only first-person past actions ("I adopted a puppy")
    what = _GOING_TO.sub("", _what(sentence, start, end, times))
    if not what or (time is None and len(what.split()) < 2):
        return None  # "I went." says too little; "I finished last week" is dated, so kept
    who = _who(subject, people, start + offset, end + offset)
    when = resolve(time.text, anchor, verb.tense) if time else None
    event = EventOut(what=what, when=when, when_text=time.text if time else None, who=who)
    doc_time = TimeMention(time.start + offset, time.end + offset, time.text) if time else None
    return SentenceEvent(event, doc_time, verb.tense)


def _opens_clause(sentence: str, pos: int, times: list[TimeMention]) -> bool:
    """True when the subject at ``pos`` starts a main clause (see _CLAUSE_OPENERS)."""
    before = sentence[:pos].rstrip()
    if not before or not before[-1].isalnum() or any(t.end == len(before) for t in times):
        return True  # sentence start, after punctuation, or right after "last week"
    word = before.rsplit(None, 1)[-1].lower()
    return word in _CLAUSE_OPENERS or word.endswith("ly")


def _who(
    subject: EntityRef | None, people: list[Mention], start: int, end: int
) -> tuple[EntityRef, ...]:
    refs = [subject] if subject else []
    refs += [p.ref for p in people if p.ref.kind is EntityKind.PERSON and start <= p.start < end]
    return tuple(unique_by_key(refs))


_REQUEST = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|oh|well|um|also|btw|and|but|anyway)\b(?:\s+[A-Z][a-z]+)?"
    r"[,!]?\s+)*(?:(?:can|could|would)\s+you\s+(?!believe|imagine|guess|like\b|be\b)"
    r"|please\b|pls\b|plz\b|remind\s+me|tell\s+me|show\s+me|help\s+me|give\s+me|let\s+me\s+know"
    r"|find\s+me|recommend\b|suggest\b|send\s+me|don't\s+forget|do\s+not\s+forget"
    r"|i\s+need\s+you\s+to|i\s+want\s+you\s+to|i'd\s+like\s+you\s+to|make\s+sure\s+to"
    r"|keep\s+in\s+mind)",
    re.IGNORECASE,
)
_QUESTION_END = re.compile(r"\?[\s!?.\"')\]]*$")


def classify_query(sentence: str) -> QueryOut | None:
    """A request, a question, or ``None`` for statements (see module invariants)."""
    text = " ".join(sentence.split())
    if _REQUEST.match(text):
        return QueryOut(text=text, kind="request")
    if _QUESTION_END.search(text) and len(text.split()) >= 3:
        return QueryOut(text=text, kind="question")
    return None
