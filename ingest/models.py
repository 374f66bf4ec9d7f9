"""Domain models that cross module boundaries: what comes in, and what extraction produces.

Ids are stable: the same input always yields the same ids (``stable_id``), which is what
makes re-ingesting a file a no-op and a retried write harmless.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


def stable_id(*parts: object) -> str:
    """A short deterministic id from its parts (user id always among them)."""
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=12).hexdigest()


# ---- input -----------------------------------------------------------------------------------

# A message or attachment may be of any length (long ones are split into passages for indexing,
# ``ingest/passages.py``); what bounds a request is its byte budget (``api/http/limits.py``).


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(default="caption", max_length=40)
    text: str = ""
    url: str | None = Field(default=None, max_length=2_000)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, min_length=1, max_length=200)
    speaker: str = Field(min_length=1, max_length=200)
    role: str | None = Field(default=None, max_length=40)
    text: str = Field(min_length=1)
    timestamp: datetime | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=20)


class InteractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(default=None, min_length=1, max_length=200)
    user_id: str = Field(min_length=1, max_length=200)
    started_at: datetime | None = None
    messages: list[MessageIn] = Field(min_length=1, max_length=5_000)


# ---- extraction output -------------------------------------------------------------------------


class EntityKind(StrEnum):
    PERSON = "person"
    PLACE = "place"
    ORG = "org"
    DATE = "date"
    THING = "thing"


class Predicate(StrEnum):
    """Persona predicates. Single-valued ones are replaced by a newer value (see SINGLE_VALUED)."""

    LIKES = "likes"
    IS = "is"  # identity: "I am a nurse", "I'm vegan"
    WORKS_AS = "works_as"
    WORKS_AT = "works_at"
    LIVES_IN = "lives_in"
    LIVED_IN = "lived_in"
    FROM = "from"
    HAS = "has"  # possessions, pets, children
    RELATIONSHIP = "relationship"  # "my sister Anna" -> object "sister: Anna"
    PLANS = "plans"
    AGE = "age"
    STUDIES = "studies"
    BORN = "born"  # "1985", "1985-03", "1985-03-04" (ingest/extract/numbers.py)
    OLDER_THAN = "older_than"  # "<other key> by <years>", negative when younger
    COUNT = "count"  # "2 children"
    SINCE = "since"  # "married for 5 years", "married in 2019" (ingest/extract/durations.py)
    EVENT_DATE = "event_date"  # "wedding on 2023-06-03" (ingest/extract/relations.py)
    EVENT_OFFSET = "event_offset"  # "move after wedding by 2 months", negative for before


SINGLE_VALUED = frozenset(
    {Predicate.WORKS_AS, Predicate.WORKS_AT, Predicate.LIVES_IN, Predicate.AGE}
)


UNTRUSTED_ROLES = frozenset({"tool", "system"})  # content no person said in the conversation


@dataclass(frozen=True)
class Turn:
    """One message, ready to be written. ``time`` is the message or session time."""

    id: str
    interaction_id: str
    user_id: str
    seq: int
    speaker: str
    role: str
    text: str
    time: datetime | None
    source_id: str | None
    attachments: tuple[str, ...] = ()  # rendered captions, indexed with the text
    attachments_json: str = "[]"  # the attachments as received (kind, text, url), for export
    part: int = 0  # passage number within a long message (ingest/passages.py), else 0
    offset: int = 0  # where the passage starts in the message text
    flags: tuple[str, ...] = ()  # e.g. ("instruction",): ingest/extract/injection.py
    flag_spans: str = "[]"  # JSON [{rule, start, end, where: "text" | "attachment <i>"}]

    @property
    def trusted(self) -> bool:
        """May this turn's own words become facts about its speaker? Not when it carries
        instructions to an AI, nor when it is tool output or a system message."""
        return not self.flags and self.role not in UNTRUSTED_ROLES

    @property
    def full_text(self) -> str:
        """Text plus attachment captions: what is indexed and embedded."""
        return " ".join((self.text, *self.attachments)).strip()


@dataclass(frozen=True)
class EntityRef:
    name: str  # display name as written ("Caroline", "Paris")
    kind: EntityKind
    key: str  # normalised name used for resolution ("caroline", "paris")


@dataclass(frozen=True)
class EventOut:
    what: str  # the clause describing the event
    when: datetime | None  # resolved time, None when no time expression was found
    when_text: str | None  # the expression as written ("last Saturday")
    who: tuple[EntityRef, ...]


@dataclass(frozen=True)
class FactOut:
    subject: EntityRef  # the speaker for first-person statements
    predicate: Predicate
    object: str  # normalised object text ("coffee", "nurse", "paris")
    polarity: bool  # False for "I don't like X"
    confidence: float  # 0..1
    valid_from: datetime | None  # statement time unless the text says otherwise


@dataclass(frozen=True)
class QueryOut:
    text: str
    kind: str  # "question" | "request"


@dataclass
class Extraction:
    """Everything extracted from one turn."""

    entities: list[EntityRef] = field(default_factory=list)
    events: list[EventOut] = field(default_factory=list)
    facts: list[FactOut] = field(default_factory=list)
    queries: list[QueryOut] = field(default_factory=list)
