"""HTTP request and response models (the wire shapes), separate from the domain models.

Requests reuse ``ingest.models.MessageIn`` for messages, so the API accepts exactly what the
CLI's native files hold; ``user_id`` always comes from the path. Labels and relationship types
that may appear in a subgraph are the ``NodeLabel`` / ``RelType`` allow-lists: they reach
Cypher only as parameter values, never as statement text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from strata.api.http.limits import MAX_K, MAX_QUERY_CHARS
from strata.ingest.models import MessageIn

# ---- errors ---------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str = Field(examples=["validation_error"])
    message: str = Field(examples=["Input should be less than or equal to 100"])
    where: str = Field(default="", examples=["body.k"])


class ErrorOut(BaseModel):
    """The one error shape of every 4xx/5xx answer."""

    error: ErrorDetail


# ---- ingest ---------------------------------------------------------------------------------

_EXAMPLE_INTERACTION: dict[str, Any] = {
    "id": "session-1",
    "started_at": "2024-05-08T13:56:00Z",
    "messages": [
        {"id": "m1", "speaker": "Caroline", "text": "I moved to Lisbon last month."},
        {"id": "m2", "speaker": "Melanie", "text": "How do you like it there?"},
    ],
}


class InteractionBody(BaseModel):
    """One interaction (session) in the native input shape."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [_EXAMPLE_INTERACTION]}
    )
    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Your id for the interaction; re-sending the same id is a no-op.",
    )
    user_id: str | None = Field(
        default=None,
        max_length=200,
        description="Ignored: the user is the one in the path (export lines carry it).",
    )
    started_at: datetime | None = None
    messages: list[MessageIn] = Field(min_length=1, max_length=5_000)


class InteractionBatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"interactions": [_EXAMPLE_INTERACTION]}]}
    )
    interactions: list[InteractionBody] = Field(min_length=1, max_length=1_000)


def batch_or_one(key: str, batch: type[BaseModel]) -> Callable[[Any], str]:
    """A body discriminator: an object with ``key`` (``{"interactions": [...]}``) is a batch,
    anything else one item, so a bad single item is reported by its own fields."""

    def kind(body: Any) -> str:
        if isinstance(body, dict):
            return "batch" if key in body else "one"
        return "batch" if isinstance(body, batch) else "one"

    return kind


IngestBody = Annotated[
    Annotated[InteractionBody, Tag("one")] | Annotated[InteractionBatch, Tag("batch")],
    Discriminator(batch_or_one("interactions", InteractionBatch)),
]


class IngestOut(BaseModel):
    """What was written (``IngestSummary.as_dict()``); re-sent items count again but MERGE."""

    interactions: int
    turns: int
    entities: int
    events: int
    facts: int
    queries: int
    seconds: float
    turns_per_s: float
    enrichment: Literal["done", "pending"] = Field(
        "done",
        description="pending: the conversations are stored and searchable; derived memory "
        "(links, persona traits, scenes) catches up in the background (GET /v1/status).",
    )


class InteractionSummary(BaseModel):
    id: str = Field(description="Strata's stable id of the interaction.")
    source_id: str | None = Field(description="The id you sent, if any.")
    started_at: datetime | None
    turn_count: int
    preview: str


class InteractionPage(BaseModel):
    items: list[InteractionSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null at end.")


# ---- search ---------------------------------------------------------------------------------


class SearchIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"query": "Where does Caroline live?", "k": 5}]},
    )
    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    k: int = Field(default=10, ge=1, le=MAX_K)
    as_of: datetime | None = Field(
        default=None, description="Answer with what was said and valid at this time."
    )
    explain: bool = Field(default=False, description="Include the plan with per-stage timings.")

    @field_validator("query")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("query is blank")
        return v


class SearchItem(BaseModel):
    kind: str
    id: str
    source_id: str | None
    interaction_id: str | None
    text: str
    score: float
    time: str | None
    speaker: str | None = None
    role: str | None = Field(default=None, description="Who said it: user, assistant, ...")
    offset: int = Field(
        default=0, description="Where this passage starts in its message (0: whole message)."
    )
    flags: list[str] = Field(
        default_factory=list,
        description="'instruction': the text addresses an AI with orders (a possible injection).",
    )
    via: str | None = Field(
        default=None, description="How it came in: api, file, library, langgraph."
    )
    superseded_at: str | None = Field(
        default=None,
        description="A fact it states that the question asks about was replaced at this time.",
    )
    superseded_by: str | None = Field(
        default=None, description="The id of the item that states what replaced it, if found."
    )


class ContradictionSide(BaseModel):
    id: str
    text: str
    evidence_turns: list[str]
    stated_at: str | None
    valid_from: str | None
    valid_to: str | None


class ContradictionOut(BaseModel):
    kind: str = Field(examples=["conflict"])
    severity: float
    gap: float | None = Field(
        default=None, description="By how much the claims miss: years of birth, days of an event."
    )
    residual: float | None = Field(
        default=None, description="The least-squares residual the sides' edges carry."
    )
    hint: str = Field(examples=["newer claim wins"])
    winner: str | None
    sides: list[ContradictionSide]


class UpdateSide(BaseModel):
    id: str
    text: str
    evidence_turns: list[str]


class UpdateOut(BaseModel):
    """A newer statement replaced an older one (an update, not a contradiction)."""

    old: UpdateSide
    new: UpdateSide
    since: str | None


class SearchOut(BaseModel):
    """The planner's answer (``Answer.to_json``); fields the planner adds later pass through."""

    model_config = ConfigDict(extra="allow")
    items: list[SearchItem]
    contradictions: list[ContradictionOut]
    updates: list[UpdateOut] = Field(default_factory=list)
    plan: dict[str, Any]
    timing_ms: float


# ---- persona --------------------------------------------------------------------------------


class PersonaFactOut(BaseModel):
    id: str
    text: str | None
    object: str | None
    polarity: bool | None
    confidence: float | None
    valid_from: datetime | None
    valid_to: datetime | None = Field(description="Set once a newer statement replaced it.")
    superseded_by: str | None
    open: bool
    evidence_turn_ids: list[str]
    stated_at: datetime | None


class PredicateGroup(BaseModel):
    predicate: str
    facts: list[PersonaFactOut]


class SubjectGroup(BaseModel):
    subject: str = Field(description="Normalised subject key.")
    name: str | None
    predicates: list[PredicateGroup]


class PersonaInsightOut(BaseModel):
    id: str
    text: str | None
    subject: str | None
    predicate: str | None
    object: str | None
    polarity: bool | None
    support: float | None
    retired: bool
    supporting_fact_ids: list[str]
    contradicting_fact_ids: list[str]
    sources: int = Field(default=0, description="Interactions whose facts support it.")
    status: str = Field(
        default="candidate",
        description="trusted (two or more interactions, no contradiction), candidate, retired.",
    )


class PersonaOut(BaseModel):
    subjects: list[SubjectGroup]
    conflicts: list[ContradictionOut] = Field(description="Open facts that contradict.")
    insights: list[PersonaInsightOut]
    truncated: bool = Field(description="True when the user has more facts than ?limit=.")


# ---- subgraph -------------------------------------------------------------------------------


class NodeLabel(StrEnum):
    """Node labels a subgraph may contain (preference order when a node has several)."""

    ENTITY = "Entity"
    INTERACTION = "Interaction"
    TURN = "Turn"
    SEGMENT = "Segment"
    EVENT = "Event"
    FACT = "Fact"
    QUERY = "Query"
    INSIGHT = "Insight"
    SCENE = "Scene"


class RelType(StrEnum):
    """Relationship types a subgraph may contain."""

    HAS_TURN = "HAS_TURN"
    NEXT = "NEXT"
    HAS_SEGMENT = "HAS_SEGMENT"
    IN_SEGMENT = "IN_SEGMENT"
    MENTIONS = "MENTIONS"
    INVOLVES = "INVOLVES"
    EVIDENCED_BY = "EVIDENCED_BY"
    ABOUT = "ABOUT"
    SUPERSEDED_BY = "SUPERSEDED_BY"
    ASKED_IN = "ASKED_IN"
    SUPPORTED_BY = "SUPPORTED_BY"
    CONTRADICTED_BY = "CONTRADICTED_BY"
    ASSOCIATED = "ASSOCIATED"
    SIMILAR_TO = "SIMILAR_TO"
    HAS_MEMBER = "HAS_MEMBER"
    HAS_INSIGHT = "HAS_INSIGHT"


class GraphNode(BaseModel):
    id: str
    label: NodeLabel
    name: str | None = Field(description="Entities: display name.")
    text: str | None = Field(description="Memory units: text, cut to 300 characters.")
    kind: str | None
    time: datetime | None


class GraphEdge(BaseModel):
    source: str
    target: str
    type: RelType


class GraphOut(BaseModel):
    centers: list[str]
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = Field(description="True when ?limit= cut the expansion short.")


# ---- forget ---------------------------------------------------------------------------------


class InteractionDeleted(BaseModel):
    user_id: str
    interaction_id: str
    turns: int = Field(description="Turns deleted with it (and what only they evidenced).")


class MessageDeleted(BaseModel):
    user_id: str
    interaction_id: str
    message_id: str
    messages_left: int = Field(description="Messages its interaction keeps (0: it is gone).")


class ForgetOut(BaseModel):
    user_id: str
    nodes: int = Field(description="Nodes deleted (with all their relationships).")
    deleted: dict[str, int] = Field(description="Nodes deleted per label.")
