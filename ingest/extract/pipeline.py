"""The extractor: one spaCy pipeline built once, rule passes applied to every turn.

Invariants:

* No model download, no LLM: by default spaCy blank English + sentencizer + a phrase-matcher
  gazetteer (places, organisations; see ``gazetteer``). If ``model`` names a loadable spaCy
  pipeline (an installed package such as ``en_core_web_sm`` or a path) it is used instead, its
  NER feeding the same rules.
* Deterministic: the same turns and known people always give the same output, in the same order,
  one ``Extraction`` per input turn.
* Within one turn no entity key appears twice; the first wins, in this order: the speaker, names
  from relationships ("my dog Max" makes Max a pet), named mentions, entities named by other
  facts, dates, then caption entities.
* "I", "me", "my" make the speaker an entity (PERSON, key = normalised speaker name). Every
  speaker of the batch counts as a known person.
* DATE entities are keyed and named by the resolved span (``2023-05-19``, ``2023-06``), so two
  "yesterday"s on different days never merge; expressions that cannot be resolved (relative, no
  turn time) give no DATE entity.
* Attachment captions contribute entities only: they describe an image and are not the
  speaker's statements, so they yield no facts, events or queries.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from strata.ingest.extract.durations import duration_facts
from strata.ingest.extract.entities import Mention, Words, find_mentions
from strata.ingest.extract.events import SentenceEvent, classify_query, sentence_events
from strata.ingest.extract.facts import Ctx, FactHit, persona_facts
from strata.ingest.extract.gazetteer import COMPONENT
from strata.ingest.extract.lexicon import (
    FAMILY_RELATIONS,
    words,
)
from strata.ingest.extract.numbers import numeric_facts
from strata.ingest.extract.relations import event_facts
from strata.ingest.extract.text import People, clean_text, normalise_key, person_ref, unique_by_key
from strata.ingest.models import EntityKind, EntityRef, Extraction, FactOut, Predicate, Turn
from strata.ingest.timeparse import Tense, TimeMention, find_time_expressions, resolve, resolve_span

log = logging.getLogger(__name__)

BLANK_MODEL = "blank:en"
# "I", "me", "my" (and "we", "us", "our", which include the speaker) name the speaker.
_FIRST_PERSON = re.compile(
    r"(?<![\w'])(?:I|[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|[Ww]e|[Uu]s|[Oo]ur)(?![\w])"
)
_NUMBER_WORDS = words("one|two|three|four|five|six|seven|eight|nine|ten|several|a|an|couple|few|of")
_QUANTITIES = (
    r"bunch|pair|lot|collection|stack|pile|variety|set|bowl|plate|cup|box|bag|basket|jar|glass"
    r"|bottle|slice|piece|group|couple|row|close-up|closeup"
)
_CAPTION_THING = re.compile(
    r"\b(?:photo|picture|image|pic|drawing|painting|screenshot|selfie|sketch|close-?up)\s+of\s+"
    r"(?:(?:a|an|the|two|three|some|several|my|his|her|their)\s+)?"
    rf"(?:(?:{_QUANTITIES})\s+of\s+(?:(?:a|an|the)\s+)?)?(?P<obj>[a-z]+)(?:\s+(?P<obj2>[a-z]+))?",
    re.IGNORECASE,
)
_FAMILY_PLURALS = frozenset({"kids", "children", "sons", "daughters", "sisters", "brothers"})
_CAPTION_STOP = words(
    "with|on|in|at|and|that|of|is|are|next|near|under|over|from|by|for|to|inside|outside|"
    "behind|while|who|which|the|a|an"
)
_CAPTION_PEOPLE = words(
    "man|woman|person|people|girl|boy|child|kid|kids|children|family|crowd|lady|guy|men|women|"
    "couple|group|someone|friends|baby|view|close|picture|photo|bunch|lot"
)


def _load(model: str | None) -> tuple[Language, str]:
    """The named spaCy pipeline if it loads, else blank English with a sentencizer."""
    if model and model != BLANK_MODEL:
        try:
            nlp = spacy.load(model)
        except (OSError, ImportError, ValueError) as e:
            log.warning("spaCy pipeline %r cannot be loaded (%s); using rules only", model, e)
        else:
            if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
                nlp.add_pipe("sentencizer", first=True)
            return nlp, model
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp, BLANK_MODEL


def build_pipeline(model: str | None = None) -> tuple[Language, str]:
    """The spaCy pipeline the extractor runs, and the name of what was loaded."""
    nlp, name = _load(model)
    before = "ner" if "ner" in nlp.pipe_names else None  # a trained NER respects preset ents
    nlp.add_pipe(COMPONENT, before=before)
    return nlp, name


class Extractor:
    """Entities, events, persona facts and queries from turns, without an LLM.

    Build once per process (loading the pipeline is the slow part) and call ``extract_many`` with
    batches of turns; ``nlp.pipe`` streams them.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 512) -> None:
        self._nlp, self.model_name = build_pipeline(model)
        self._batch_size = batch_size

    def extract(self, turn: Turn, known_people: Iterable[str] = ()) -> Extraction:
        return self.extract_many([turn], set(known_people))[0]

    def extract_many(
        self, turns: Sequence[Turn], known_people: Iterable[str] = ()
    ) -> list[Extraction]:
        """One ``Extraction`` per turn, in order. Speakers of ``turns`` count as known people."""
        people = People([*sorted(known_people), *(t.speaker for t in turns)])
        captions = [clean_text(c) for t in turns for c in t.attachments]
        caption_docs = self._nlp.pipe(captions, batch_size=self._batch_size)
        pending = list(zip(captions, caption_docs, strict=True))[::-1]
        texts = [clean_text(t.text) for t in turns]
        docs = self._nlp.pipe(texts, batch_size=self._batch_size)
        out: list[Extraction] = []
        for turn, text, doc in zip(turns, texts, docs, strict=True):
            caps = [pending.pop() for _ in turn.attachments]
            out.append(_extract_turn(turn, _Text(text, doc), [_Text(*c) for c in caps], people))
        return out


@dataclass(frozen=True)
class _Text:
    """A text and its spaCy doc (``doc.text`` is rebuilt on every access, so keep the string)."""

    text: str
    doc: Doc


def _mask(text: str, times: list[TimeMention]) -> str:
    """Time expressions replaced by ';' plus spaces, so fact objects stop before them."""
    chars = list(text)
    for t in times:
        chars[t.start : t.end] = ";" + " " * (t.end - t.start - 1)
    return "".join(chars)


def _extract_turn(turn: Turn, main: _Text, captions: list[_Text], people: People) -> Extraction:
    speaker = person_ref(turn.speaker)
    text, doc = main.text, main.doc
    words = Words.of(doc, text)
    mentions = find_mentions(doc, text, people, words)
    times = find_time_expressions(text)
    masked = _mask(text, times)
    result = Extraction()
    hits: list[FactHit] = []
    events: list[SentenceEvent] = []
    previous = ""
    for start, end in words.sentences:
        sentence = text[start:end]
        query = classify_query(sentence)
        if query is not None:
            result.queries.append(query)
            if query.kind == "request":
                continue
        local = [TimeMention(t.start - start, t.end - start, t.text) for t in times]
        local = [t for t in local if 0 <= t.start < end - start]
        ctx = Ctx(masked[start:end], speaker, _valid_from(local, turn.time))
        hits += persona_facts(ctx)
        hits += numeric_facts(ctx, sentence)
        hits += duration_facts(ctx, sentence)
        hits += event_facts(ctx, sentence, turn.time, previous)
        previous = sentence
        events += sentence_events(sentence, start, local, mentions, speaker, turn.time)
    hits = [h for h in hits if h.fact.object.strip()]  # "I really want to / …": no object
    result.facts = _unique_facts(hits)
    result.events = [e.event for e in events]
    result.entities = _entities(
        main, speaker, mentions, hits, times, events, captions, people, turn
    )
    return result


def _valid_from(times: list[TimeMention], anchor: datetime | None) -> datetime | None:
    """ "since 2015" in the sentence dates its facts; otherwise the statement time does."""
    for t in times:
        if t.text[:6].lower() == "since ":
            return resolve(t.text, anchor, "past") or anchor
    return anchor


def _unique_facts(hits: list[FactHit]) -> list[FactOut]:
    seen: set[tuple[str, str, str, bool]] = set()
    facts: list[FactOut] = []
    for h in hits:
        k = (h.fact.subject.key, h.fact.predicate.value, h.fact.object, h.fact.polarity)
        if k not in seen:
            seen.add(k)
            facts.append(h.fact)
    return facts


def _entities(
    main: _Text,
    speaker: EntityRef,
    mentions: list[Mention],
    hits: list[FactHit],
    times: list[TimeMention],
    events: list[SentenceEvent],
    captions: list[_Text],
    people: People,
    turn: Turn,
) -> list[EntityRef]:
    refs: list[EntityRef] = [speaker] if _FIRST_PERSON.search(main.text) else []
    named = [(h, r) for h in hits if (r := _fact_entity(h, people)) is not None]
    # "my dog Max": the relationship knows Max is a pet, the name scan would guess a person.
    refs += [r for h, r in named if h.fact.predicate is Predicate.RELATIONSHIP]
    refs += [m.ref for m in mentions]
    refs += [r for _, r in named]
    refs += _date_entities(times, events, turn.time)
    for cap in captions:
        refs += [m.ref for m in find_mentions(cap.doc, cap.text, people)]
        refs += _caption_things(cap.text)
    return unique_by_key(refs)


def _head(name: str) -> str:
    words = name.lower().split()
    return words[-1] if words else ""


def _fact_entity(hit: FactHit, people: People) -> EntityRef | None:
    """The entity a fact's object names, if any ("I live in Tahoe" -> PLACE Tahoe)."""
    kind, name = hit.entity_kind, hit.display
    if kind is None or not name:
        return None
    known = people.match(name)
    if known is not None:
        return person_ref(known) if kind in (EntityKind.PERSON, EntityKind.THING) else None
    if kind is EntityKind.THING:
        if (
            hit.fact.predicate is Predicate.HAS
            and _head(name) in FAMILY_RELATIONS | _FAMILY_PLURALS
        ):
            return None  # "my husband" is a relationship, not a thing
        words = name.split()
        while len(words) > 1 and words[0].lower() in _NUMBER_WORDS:
            words.pop(0)
        name = " ".join(words)
    return EntityRef(name=name, kind=kind, key=normalise_key(name))


def _date_entities(
    times: list[TimeMention], events: list[SentenceEvent], anchor: datetime | None
) -> list[EntityRef]:
    tenses: dict[int, Tense | None] = {e.time.start: e.tense for e in events if e.time}
    refs: list[EntityRef] = []
    for t in times:
        span = resolve_span(t.text, anchor, tenses.get(t.start))
        if span is not None:
            refs.append(EntityRef(name=span.key, kind=EntityKind.DATE, key=span.key))
    return refs


def _caption_things(text: str) -> list[EntityRef]:
    """The pictured thing in captions like "a photo of a birthday cake with candles"."""
    refs: list[EntityRef] = []
    for m in _CAPTION_THING.finditer(text):
        words = [m["obj"].lower()]
        second = (m["obj2"] or "").lower()
        if second and second not in _CAPTION_STOP and not second.endswith(("ing", "ed")):
            words.append(second)
        if words[-1] in _CAPTION_PEOPLE or words[0] in _CAPTION_STOP:
            continue
        name = " ".join(words)
        refs.append(EntityRef(name=name, kind=EntityKind.THING, key=normalise_key(name)))
    return refs
