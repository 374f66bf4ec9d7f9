"""People, places and organisations mentioned in one spaCy doc.

Dates come from ``ingest.timeparse`` and things from persona facts; the pipeline merges all.
Invariants:

* Every mention carries character offsets into the doc text, so events can find the people that
  take part in a clause.
* Known people win: a span that names a known person is that person, whatever the gazetteer or a
  trained NER says, and it is reported under the known (canonical) name.
* An unknown capitalised word becomes an entity only with evidence: a gazetteer or NER hit, a
  place cue ("in X", "moved to X"), or a person cue ("with X", "my sister X", "X said"). A word at
  the start of a sentence counts only when it is a known person or says something ("Anna said").
  Anything else is left out: precision over recall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc, Span

from strata.ingest.extract.gazetteer import AMBIGUOUS_LABEL
from strata.ingest.extract.lexicon import (
    MOTION_VERBS,
    ORG_SUFFIXES,
    PERSON_CUES_AFTER,
    PERSON_CUES_BEFORE,
    PLACE_CUES_BEFORE,
    PLACE_HEADS,
    STOP_CAPITALS,
    TO_PERSON_CUES,
    words,
)
from strata.ingest.extract.text import People, normalise_key, person_ref
from strata.ingest.models import EntityKind, EntityRef

LABEL_KINDS = {
    "PERSON": EntityKind.PERSON,
    "PLACE": EntityKind.PLACE,
    "GPE": EntityKind.PLACE,
    "LOC": EntityKind.PLACE,
    "FAC": EntityKind.PLACE,
    "ORG": EntityKind.ORG,
}
_GENERIC_ORG_WORDS = words(
    "high|middle|elementary|primary|secondary|grad|graduate|art|law|medical|community|public|"
    "state|dance|music|book|sunday|night|summer|the|local|new|our|my"
)
_TITLE_WORD = r"[A-Z][a-zA-Z&'-]*"
_ORG_NAME = re.compile(
    rf"(?<![\w'])(?:{_TITLE_WORD}\s+){{1,4}}(?:"
    + "|".join(
        re.escape(s[:1].upper() + s[1:]) for s in sorted(ORG_SUFFIXES, key=len, reverse=True)
    )
    + rf")(?![\w])|(?<![\w'])(?:University|College|Bank|Museum|Institute|School|Church)\s+of\s+"
    rf"(?:the\s+)?{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,3}}"
)
_PLACE_FIRST = frozenset({"lake", "mount", "mt", "fort", "port", "cape", "isle", "san", "santa"})
_SAYS_SOMETHING = frozenset({"said", "says", "told", "asked", "texted", "called", "wrote"})
_MAX_NAME_TOKENS = 3


@dataclass(frozen=True)
class Mention:
    ref: EntityRef
    start: int  # character offsets in the doc text
    end: int


@dataclass(frozen=True)
class Words:
    """Token strings and sentence bounds of a doc, read once through ``Doc.to_array``.

    spaCy builds a Python ``Token`` on every token access, which costs more than the rules; the
    rules read these plain lists instead.
    """

    text: list[str]
    lower: list[str]
    space: list[bool]
    sent_of: list[int]  # index of the first token of each token's sentence
    sentences: list[tuple[int, int]]  # character [start, end) of each sentence

    @classmethod
    def of(cls, doc: Doc, text: str) -> Words:
        rows: list[list[int]] = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        words = [text[i : i + n] for i, n in rows]
        ends = [i + n for i, n in rows]
        space = [e < len(text) and text[e].isspace() for e in ends]
        sent_of = [0] * len(words)
        sentences: list[tuple[int, int]] = []
        for sent in doc.sents:
            sent_of[sent.start : sent.end] = [sent.start] * (sent.end - sent.start)
            sentences.append((rows[sent.start][0], ends[sent.end - 1]))
        return cls(words, [w.lower() for w in words], space, sent_of, sentences)

    def context(self, start: int, end: int) -> tuple[str, str, str, str]:
        """Lower-case words two before, one before, one after and two after a span (or "")."""
        first = self.sent_of[start]
        prev1 = self.lower[start - 1] if start - 1 >= first else ""
        prev2 = self.lower[start - 2] if start - 2 >= first else ""
        next1 = self.lower[end] if end < len(self.lower) else ""
        next2 = self.text[end + 1] if end + 1 < len(self.text) else ""
        return prev2, prev1, next1, next2


def find_mentions(doc: Doc, text: str, people: People, words: Words | None = None) -> list[Mention]:
    """Entity mentions in ``doc`` (whose text is ``text``): organisation names, gazetteer/NER
    spans, then cue-based names."""
    words = words or Words.of(doc, text)
    covered: set[int] = set()
    out: list[Mention] = []
    spans = [*_org_spans(doc, text), *doc.ents]
    for span in spans:
        if any(i in covered for i in range(span.start, span.end)):
            continue
        covered.update(range(span.start, span.end))
        mention = _from_ent(span, words, people)
        if mention is not None:
            out.append(mention)
    out.extend(_scan(doc, words, covered, people))
    return out


def _org_spans(doc: Doc, text: str) -> Iterator[Span]:
    """Spans like "Acme Corp", "Lincoln High School", "University of Michigan", labelled ORG."""
    for m in _ORG_NAME.finditer(text):
        span = doc.char_span(m.start(), m.end(), label="ORG", alignment_mode="expand")
        if span is not None:
            yield span


def _mention(span: Span, kind: EntityKind, name: str | None = None) -> Mention:
    text = name or span.text
    ref = person_ref(text) if kind is EntityKind.PERSON else EntityRef(text, kind, "")
    if not ref.key:
        ref = EntityRef(text, kind, normalise_key(text))
    return Mention(ref, span.start_char, span.end_char)


def _from_ent(ent: Span, words: Words, people: People) -> Mention | None:
    known = people.match(ent.text)
    if known is not None:
        return _mention(ent, EntityKind.PERSON, known)
    if ent.label_ == AMBIGUOUS_LABEL:
        kind = _ambiguous_kind(*words.context(ent.start, ent.end))
    else:
        kind = LABEL_KINDS.get(ent.label_)
    if kind is None:
        return None
    span = _trim_org(ent) if kind is EntityKind.ORG else ent
    return None if span is None else _mention(span, kind)


def _trim_org(ent: Span) -> Span | None:
    """Drop leading stop words ("Yesterday Acme Corp"); reject all-generic names ("High School")."""
    start = ent.start
    while start < ent.end - 1 and ent.doc[start].lower_ in STOP_CAPITALS:
        start += 1
    span = ent.doc[start : ent.end]
    words = [t.lower_ for t in span if t.lower_ not in ORG_SUFFIXES]
    if not words or all(w in _GENERIC_ORG_WORDS for w in words):
        return None
    return span


def _ambiguous_kind(prev2: str, prev1: str, next1: str, next2: str) -> EntityKind | None:
    if prev1 in PLACE_CUES_BEFORE or (prev1 in ("to", "from") and prev2 in MOTION_VERBS):
        return EntityKind.PLACE
    if _person_cue(prev2, prev1, next1, next2):
        return EntityKind.PERSON
    return None


def _person_cue(prev2: str, prev1: str, next1: str, next2: str) -> bool:
    if prev1 in PERSON_CUES_BEFORE or next1 in PERSON_CUES_AFTER:
        return True
    if prev1 in ("to", "from") and prev2 in TO_PERSON_CUES:
        return True
    return next1 == "and" and next2 in ("I", "me")


def _namelike(word: str, lower: str) -> bool:
    return len(word) > 1 and word.istitle() and word.isalpha() and lower not in STOP_CAPITALS


def _scan(doc: Doc, words: Words, covered: set[int], people: People) -> Iterator[Mention]:
    """Runs of up to three capitalised words outside known spans, classified by their cues."""
    n, i = len(words.text), 0
    while i < n:
        if i in covered or not _namelike(words.text[i], words.lower[i]):
            i += 1
            continue
        j = i + 1
        while (
            j < n
            and j - i < _MAX_NAME_TOKENS
            and j not in covered
            and words.space[j - 1]
            and words.sent_of[j] == words.sent_of[i]
            and _namelike(words.text[j], words.lower[j])
        ):
            j += 1
        mention, i = _classify_run(doc, words, i, j, people)
        if mention is not None:
            yield mention


def _classify_run(
    doc: Doc, words: Words, i: int, j: int, people: People
) -> tuple[Mention | None, int]:
    """Decide what a run of capitalised tokens ``doc[i:j]`` is; returns where to continue."""
    span = doc[i:j]
    known = people.match(span.text)
    if known is not None:
        return _mention(span, EntityKind.PERSON, known), j
    known = people.match(words.text[i])
    if known is not None:
        return _mention(doc[i : i + 1], EntityKind.PERSON, known), i + 1
    prev2, prev1, next1, next2 = words.context(i, j)
    before = words.text[i - 1] if i > words.sent_of[i] else ""
    if not before or (not any(c.isalnum() for c in before) and before != ","):
        says = next1 in _SAYS_SOMETHING or (next1 == "and" and next2 == "I")
        return (_mention(span, EntityKind.PERSON) if says else None), j
    lowers = words.lower[i:j]
    if len(lowers) > 1 and (lowers[0] in _PLACE_FIRST or lowers[-1] in PLACE_HEADS):
        return _mention(span, EntityKind.PLACE), j
    place_cue = prev1 in PLACE_CUES_BEFORE or (prev1 in ("to", "from") and prev2 in MOTION_VERBS)
    if place_cue and len(lowers) == 1 and not next1[:1].isdigit():
        return _mention(span, EntityKind.PLACE), j  # "in Tahoe"; not "in Game 7", "in Harry Potter"
    if _person_cue(prev2, prev1, next1, next2):
        return _mention(span, EntityKind.PERSON), j
    return None, j
