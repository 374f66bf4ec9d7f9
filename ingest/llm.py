"""Optional LLM extraction and summaries over any OpenAI-compatible endpoint.

Off unless ``STRATA_LLM_BASE_URL`` is set (``LLMExtractor.from_settings`` returns None). The rule
pipeline stays the ground truth; the LLM is an upgrade that may fail at any time.

Invariants:

- One interaction costs at most ``settings.llm_max_calls`` chat calls: its turns are cut into that
  many consecutive chunks. Turns that do not fit a chunk's character budget go to the rules.
- Each call asks for structured output (``response_format`` json_schema, strict), built from the
  pydantic models below, and the reply is validated against the same models.
- Any failure of a call (HTTP error, timeout, invalid JSON, schema mismatch, unknown predicate,
  impossible turn index) sends exactly that chunk's turns to the caller's ``fallback`` and logs
  a warning naming the cause. A turn the reply leaves out goes to the fallback too. Nothing is lost.
- Timeouts and retries are bounded (client ``timeout``, ``max_retries=1``).
- Time expressions are not resolved here: ``EventOut.when`` is None and ``when_text`` is kept.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from typing import Any, Literal, Self

import openai
import pydantic
from openai import OpenAI
from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, ConfigDict

from strata.graph.errors import ConfigError
from strata.graph.settings import Settings
from strata.ingest.models import (
    EntityKind,
    EntityRef,
    EventOut,
    Extraction,
    FactOut,
    Predicate,
    QueryOut,
    Turn,
)

logger = logging.getLogger(__name__)

Fallback = Callable[[list[Turn]], list[Extraction]]

DEFAULT_TIMEOUT = 120.0
DEFAULT_CHUNK_CHARS = 48_000
DEFAULT_MIN_CHUNK_TURNS = 16
_SELF_WORDS = frozenset({"", "i", "me", "myself", "speaker", "user"})

# ---- the structured output the model must return -----------------------------------------------


class _Strict(BaseModel):
    # extra="forbid" + no defaults = additionalProperties false and every field required,
    # which is what OpenAI's strict json_schema mode demands.
    model_config = ConfigDict(extra="forbid")


class EntityJSON(_Strict):
    name: str
    kind: EntityKind


class EventJSON(_Strict):
    what: str
    when_text: str | None
    who: list[str]


class FactJSON(_Strict):
    subject: str
    predicate: Predicate
    object: str
    polarity: bool
    confidence: float


class QueryJSON(_Strict):
    text: str
    kind: Literal["question", "request"]


class TurnJSON(_Strict):
    turn: int
    entities: list[EntityJSON]
    events: list[EventJSON]
    facts: list[FactJSON]
    queries: list[QueryJSON]


class ChunkJSON(_Strict):
    turns: list[TurnJSON]


def response_format() -> ResponseFormatJSONSchema:
    """The ``response_format`` argument: a strict JSON schema of ``ChunkJSON``."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "strata_extraction",
            "strict": True,
            "schema": ChunkJSON.model_json_schema(),
        },
    }


_PREDICATES = ", ".join(p.value for p in Predicate)
_EXTRACT_PROMPT = f"""You extract long-term memory from a conversation.
Each input line is one turn: "[index] speaker: text". Return one entry per turn index.
- entities: people, places, organisations, dates and notable things named in the turn;
  kind is one of person, place, org, date, thing.
- events: things that happened or will happen; "what" is a short clause, "when_text" is the
  time expression exactly as written (null when there is none), "who" lists participant names.
- facts: lasting facts about a person. subject is the person's name (the speaker's name for
  first-person statements). predicate is one of: {_PREDICATES}. object is short and lowercase
  ("nurse", "paris", "sister: anna"). polarity is false for negations ("I don't like X").
  confidence is between 0 and 1.
- queries: questions the turn asks (kind "question") or requests it makes (kind "request").
Use empty lists when a turn has nothing. Never invent facts the text does not state."""

_SUMMARY_PROMPT = """Summarise the following memory snippets in one to three plain sentences.
Keep names, places and dates. Do not add anything the snippets do not say."""


# ---- extraction --------------------------------------------------------------------------------


class ReplyError(ValueError):
    """The reply parsed but cannot be mapped onto the turns that were sent."""


class LLMExtractor:
    """Structured extraction and short summaries through an OpenAI-compatible chat endpoint."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        chunk_chars: int = DEFAULT_CHUNK_CHARS,
        min_chunk_turns: int = DEFAULT_MIN_CHUNK_TURNS,
    ) -> None:
        if not settings.llm_base_url:
            raise ConfigError("LLM extraction needs STRATA_LLM_BASE_URL")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "none"
        self._client = OpenAI(
            base_url=settings.llm_base_url, api_key=key, timeout=timeout, max_retries=1
        )
        self.model = settings.llm_model
        self.max_calls = settings.llm_max_calls
        self.chunk_chars = chunk_chars
        self.min_chunk_turns = min_chunk_turns

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> LLMExtractor | None:
        """An extractor, or None when no LLM endpoint is configured."""
        return cls(settings, **kwargs) if settings.llm_base_url else None

    def extract_many(self, turns: list[Turn], fallback: Fallback) -> list[Extraction]:
        """One ``Extraction`` per turn, in order, using at most ``max_calls`` LLM calls.

        ``fallback`` (the rule pipeline) gets the turns of any chunk whose call failed, in order,
        and must return one ``Extraction`` per turn it is given.
        """
        out: list[Extraction | None] = [None] * len(turns)
        for chunk in plan_chunks(len(turns), self.max_calls, self.min_chunk_turns):
            sent, overflow = _fit([turns[i] for i in chunk], self.chunk_chars)
            if sent:
                self._extract_chunk(out, turns, chunk[:sent], fallback)
            if overflow:
                logger.warning(
                    "LLM chunk over %d chars: %d turns use rule extraction",
                    self.chunk_chars,
                    overflow,
                )
                _fill(out, turns, chunk[sent:], fallback)
        if any(e is None for e in out):  # max_calls < 1: no chunks at all
            _fill(out, turns, [i for i, e in enumerate(out) if e is None], fallback)
        return [e for e in out if e is not None]

    def _extract_chunk(
        self, out: list[Extraction | None], turns: list[Turn], idx: list[int], fallback: Fallback
    ) -> None:
        """Fill ``out[idx]`` from one call, or from ``fallback`` if the call fails."""
        chunk = [turns[i] for i in idx]
        try:
            parsed = self._call(chunk)
        except (openai.OpenAIError, pydantic.ValidationError, ReplyError) as e:
            logger.warning(
                "LLM extraction failed for %d turns (seq %d-%d) (%s: %s); using rule extraction",
                len(chunk),
                chunk[0].seq,
                chunk[-1].seq,
                type(e).__name__,
                _brief(e),
            )
            _fill(out, turns, idx, fallback)
            return
        for n, i in enumerate(idx):
            if n in parsed:
                out[i] = to_extraction(parsed[n], turns[i])
        missing = [i for n, i in enumerate(idx) if n not in parsed]
        if missing:
            logger.warning("LLM reply left out %d turns; using rule extraction", len(missing))
            _fill(out, turns, missing, fallback)

    def _call(self, chunk: list[Turn]) -> dict[int, TurnJSON]:
        """One structured-output call; the reply keyed by turn position within the chunk."""
        resp = self._client.chat.completions.create(
            model=self.model,
            messages=[
                {"role": "system", "content": _EXTRACT_PROMPT},
                {"role": "user", "content": "\n".join(map(_turn_line, range(len(chunk)), chunk))},
            ],
            response_format=response_format(),
        )
        content = resp.choices[0].message.content if resp.choices else None
        if not content:
            raise ReplyError("empty reply")
        return _by_turn(ChunkJSON.model_validate_json(content), len(chunk))

    def summarise(self, texts: list[str]) -> str | None:
        """A short LLM summary of ``texts``; None when there is nothing to say or the call fails."""
        lines = [f"- {' '.join(t.split())}" for t in texts if t.strip()]
        if not lines:
            return None
        try:
            resp = self._client.chat.completions.create(
                model=self.model,
                messages=[
                    {"role": "system", "content": _SUMMARY_PROMPT},
                    {"role": "user", "content": "\n".join(lines)[: self.chunk_chars]},
                ],
            )
        except openai.OpenAIError as e:
            logger.warning("LLM summary failed (%s: %s)", type(e).__name__, _brief(e))
            return None
        content = resp.choices[0].message.content if resp.choices else None
        return (content or "").strip() or None


# ---- planning and mapping ----------------------------------------------------------------------


def plan_chunks(n_turns: int, max_calls: int, min_turns: int = 1) -> list[list[int]]:
    """Consecutive turn positions cut into at most ``max_calls`` chunks of near-equal size.

    Chunks hold at least ``min_turns`` turns, so a short interaction costs one call, not
    ``max_calls`` tiny ones.
    """
    if n_turns == 0 or max_calls < 1:
        return []
    size = max(math.ceil(n_turns / max_calls), min_turns, 1)
    return [list(range(s, min(s + size, n_turns))) for s in range(0, n_turns, size)]


def _fit(chunk: Sequence[Turn], budget: int) -> tuple[int, int]:
    """How many leading turns fit the character budget (at least one), and how many do not."""
    used = 0
    for n, turn in enumerate(chunk):
        used += len(turn.full_text)
        if used > budget and n > 0:
            return n, len(chunk) - n
    return len(chunk), 0


def _turn_line(n: int, turn: Turn) -> str:
    return f"[{n}] {turn.speaker}: {' '.join(turn.full_text.split())}"


def _fill(
    out: list[Extraction | None], turns: list[Turn], idx: list[int], fallback: Fallback
) -> None:
    """Put the rule pipeline's extractions for ``turns[idx]`` into ``out``."""
    for i, extraction in zip(idx, fallback([turns[i] for i in idx]), strict=True):
        out[i] = extraction


def _by_turn(reply: ChunkJSON, n_turns: int) -> dict[int, TurnJSON]:
    """Index the reply by turn position; an impossible or repeated index fails the whole call."""
    seen: dict[int, TurnJSON] = {}
    for t in reply.turns:
        if not 0 <= t.turn < n_turns:
            raise ReplyError(f"turn index {t.turn} outside 0..{n_turns - 1}")
        if t.turn in seen:
            raise ReplyError(f"turn index {t.turn} repeated")
        seen[t.turn] = t
    return seen


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def to_extraction(reply: TurnJSON, turn: Turn) -> Extraction:
    """Map one validated turn entry onto the domain ``Extraction`` of ``turn``.

    Event participants are added to the entities, so every reference names a known entity.
    """
    entities: dict[str, EntityRef] = {}
    for e in reply.entities:
        if _norm(e.name):
            entities.setdefault(_norm(e.name), EntityRef(e.name.strip(), e.kind, _norm(e.name)))

    def ref(name: str) -> EntityRef:
        key = _norm(name)
        if key in _SELF_WORDS:
            name, key = turn.speaker, _norm(turn.speaker)
        return entities.get(key) or EntityRef(name.strip(), EntityKind.PERSON, key)

    events = [
        EventOut(what=ev.what.strip(), when=None, when_text=_or_none(ev.when_text), who=who)
        for ev in reply.events
        if ev.what.strip()
        for who in [tuple(ref(n) for n in ev.who if _norm(n))]
    ]
    for ev in events:
        for r in ev.who:
            entities.setdefault(r.key, r)
    facts = [
        FactOut(
            subject=ref(f.subject),
            predicate=f.predicate,
            object=_norm(f.object),
            polarity=f.polarity,
            confidence=min(1.0, max(0.0, f.confidence)),
            valid_from=turn.time,
        )
        for f in reply.facts
        if _norm(f.object)
    ]
    queries = [QueryOut(q.text.strip(), q.kind) for q in reply.queries if q.text.strip()]
    return Extraction(list(entities.values()), events, facts, queries)


def _or_none(text: str | None) -> str | None:
    return text.strip() or None if text else None


def _brief(e: BaseException, limit: int = 200) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
