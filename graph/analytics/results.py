"""The analytics results: typed, frozen, and what the HTTP layer maps to its schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AnalyticsConfig:
    """Bounds of one analytics payload (list lengths, algorithm iterations, cache size)."""

    top_entities: int = 25
    communities: int = 12
    members_per_community: int = 8
    persona_facts: int = 200
    conflicts: int = 50
    scenes: int = 20
    pagerank_iterations: int = 20
    leiden_levels: int = 10
    # Per-user graphs are small: one thread per request measured fastest on the benchmark
    # machine (Louvain/Leiden got slower with more threads) and keeps concurrent users from
    # starving each other. A fixed seed (which needs one thread) keeps communities stable.
    concurrency: int = 1
    seed: int = 42
    cache_size: int = 256


# ---- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    turns: int
    segments: int
    interactions: int
    facts: int
    insights: int
    scenes: int
    entities: int
    events: int
    queries: int
    flagged: int = 0  # turns flagged as instructions to an AI (possible injections)


@dataclass(frozen=True)
class GrowthPoint:
    period: str  # ISO date: the day, or the Monday of the week
    turns: int
    interactions: int


@dataclass(frozen=True)
class FactPoint:
    period: str
    asserted: int
    superseded: int
    conflicts: int


@dataclass(frozen=True)
class FactTotals:
    facts: int
    open: int
    superseded: int
    conflicts: int


@dataclass(frozen=True)
class RankedEntity:
    id: str
    name: str
    kind: str
    score: float  # weighted PageRank on the co-mention graph
    mentions: int
    community: int | None


@dataclass(frozen=True)
class Community:
    id: int
    size: int
    members: list[RankedEntity]  # the highest-ranked members, best first


@dataclass(frozen=True)
class EntityGraph:
    nodes: int
    links: int
    communities: int


@dataclass(frozen=True)
class PersonaFact:
    id: str
    subject: str
    predicate: str
    object: str
    polarity: bool
    confidence: float | None
    valid_from: str | None
    valid_to: str | None
    text: str
    superseded_by: str | None
    status: str  # "current" | "superseded" | "conflict"


@dataclass(frozen=True)
class ConflictSide:
    id: str
    object: str
    polarity: bool
    valid_from: str | None
    text: str
    turn_id: str | None


@dataclass(frozen=True)
class Conflict:
    subject: str
    predicate: str
    a: ConflictSide
    b: ConflictSide


@dataclass(frozen=True)
class SceneStat:
    id: str
    text: str
    size: int
    members: dict[str, int]  # granularity label → member count
    entities: list[str]


@dataclass(frozen=True)
class Scenes:
    count: int
    members: int
    largest: int
    mean_size: float
    top: list[SceneStat]


@dataclass(frozen=True)
class Analytics:
    owner: str
    computed_at: datetime
    counts: Counts
    growth_daily: list[GrowthPoint]
    growth_weekly: list[GrowthPoint]
    facts_daily: list[FactPoint]
    facts_weekly: list[FactPoint]
    fact_totals: FactTotals
    top_entities: list[RankedEntity]
    communities: list[Community]
    entity_graph: EntityGraph
    persona: list[PersonaFact]
    conflicts: list[Conflict]
    scenes: Scenes
    timings_ms: dict[str, float] = field(default_factory=dict)
    cached: bool = False


@dataclass(frozen=True)
class Neighbour:
    id: str
    name: str
    kind: str
    weight: int  # shared turns with the center (the center's own mentions for the center)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    weight: int


@dataclass(frozen=True)
class Neighbourhood:
    center: Neighbour
    nodes: list[Neighbour]
    links: list[Link]
