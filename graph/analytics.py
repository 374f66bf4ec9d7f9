"""Per-user memory analytics: GDS on a per-user projection, plain aggregates, a stamped cache.

Invariants
- GDS only ever sees ONE user's entity co-mention graph, projected by Cypher filtered on
  ``user_id`` (``analytics/project_comention``) through the ``graphdatascience`` client; never
  a whole-database projection. Each projection has a unique name and is dropped in ``finally``;
  projections orphaned by a crashed process are swept once they are ``STALE_AFTER`` old.
- Every other number comes from one aggregate statement that starts at a per-user index seek,
  so cost grows with the user's own memory, never with the database.
- Results are cached per owner in this process (bounded LRU), keyed by a version stamp
  (``analytics/read_stamp``) read on every call. Ingest, memory maintenance and forgetting
  change the stamp, so the next call recomputes; nothing derived is written to the graph.
- One computation per owner at a time: concurrent callers for the same owner wait for the
  first and then share its result.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from graphdatascience import GraphDataScience

from strata.graph import cypher
from strata.graph.db import Graph, _mapped_errors
from strata.graph.errors import CypherError, NotFound

Row = dict[str, Any]
PROJECTION_PREFIX = "strata-analytics-"
STALE_AFTER = timedelta(minutes=10)


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


# ---- entry points --------------------------------------------------------------------------


def user_analytics(
    graph: Graph, owner: str, *, refresh: bool = False, config: AnalyticsConfig | None = None
) -> Analytics:
    """The owner's analytics; cached while the stamp is unchanged (``NotFound`` if empty)."""
    config = config or AnalyticsConfig()
    key = (graph.settings.bolt_uri, graph.database, owner)
    with _owner_lock(owner):
        stamp = _stamp(graph, owner)
        if not refresh and (hit := _CACHE.get(key, stamp)) is not None:
            return hit
        result = compute(graph, owner, config)
        _CACHE.put(key, stamp, result, config.cache_size)
        return result


def entity_neighbourhood(graph: Graph, owner: str, center: str, limit: int = 25) -> Neighbourhood:
    """The co-mention neighbourhood of one of the owner's entities (by id or name)."""
    rows = graph.read("analytics/entity_neighbourhood", user_id=owner, center=center, limit=limit)
    if not rows:
        raise NotFound(f"no entity {center!r} in this user's memory")
    row = rows[0]
    c = row["center"]
    return Neighbourhood(
        center=Neighbour(c["id"], c["name"], c["kind"], c["mentions"]),
        nodes=[Neighbour(n["id"], n["name"], n["kind"], n["weight"]) for n in row["nodes"]],
        links=[Link(x["source"], x["target"], x["weight"]) for x in row["links"]],
    )


def compute(graph: Graph, owner: str, config: AnalyticsConfig) -> Analytics:
    """Compute every section afresh (no cache)."""
    timer = _Timer()
    with timer("counts"):
        c = graph.read("analytics/count_units", user_id=owner)[0]
    counts = Counts(**{k: c[k] for k in Counts.__dataclass_fields__})
    with timer("growth"):
        growth = graph.read("analytics/growth_daily", user_id=owner)
    with timer("facts"):
        fact_rows = graph.read("analytics/fact_timeline", user_id=owner)
        conflict_days = graph.read("analytics/count_conflicts", user_id=owner)
        conflicts = graph.read("analytics/list_conflicts", user_id=owner, limit=config.conflicts)
        persona = graph.read(
            "analytics/list_persona_facts", user_id=owner, limit=config.persona_facts
        )
    with timer("scenes"):
        scene_rows = graph.read("analytics/list_scenes", user_id=owner, limit=config.scenes)
    top, communities, summary = _rank_entities(graph, owner, config, timer, counts.entities)

    daily_growth = _growth(growth)
    daily_facts = _fact_points(fact_rows, conflict_days)
    superseded = sum(p.superseded for p in daily_facts)
    return Analytics(
        owner=owner,
        computed_at=datetime.now(UTC),
        counts=counts,
        growth_daily=daily_growth,
        growth_weekly=_weekly(daily_growth),
        facts_daily=daily_facts,
        facts_weekly=_weekly(daily_facts),
        fact_totals=FactTotals(
            facts=counts.facts,
            open=counts.facts - superseded,
            superseded=superseded,
            conflicts=sum(r["n"] for r in conflict_days),
        ),
        top_entities=top,
        communities=communities,
        entity_graph=summary,
        persona=_persona(persona, conflicts),
        conflicts=[_conflict(r) for r in conflicts],
        scenes=_scenes(c, scene_rows),
        timings_ms=timer.ms,
    )


# ---- GDS -----------------------------------------------------------------------------------


def _rank_entities(
    graph: Graph, owner: str, config: AnalyticsConfig, timer: _Timer, n_entities: int
) -> tuple[list[RankedEntity], list[Community], EntityGraph]:
    """PageRank and Leiden on the owner's co-mention graph; the projection is always dropped."""
    if n_entities == 0:
        return [], [], EntityGraph(0, 0, 0)
    gds = gds_client(graph)
    _sweep_stale(gds)
    name = f"{PROJECTION_PREFIX}{uuid.uuid4().hex}"
    try:
        with _gds_errors(), timer("gds_project"):
            projected = gds.graph.project.cypher(
                cypher.load("analytics/project_comention"), graph_name=name, user_id=owner
            )
        g = projected.graph
        with _gds_errors(), timer("gds_pagerank"):
            ranks = gds.page_rank.stream(
                g,
                relationship_weight_property="weight",
                max_iterations=config.pagerank_iterations,
                concurrency=config.concurrency,
                log_progress=False,
            )
        score = dict(zip(ranks["nodeId"].tolist(), ranks["score"].tolist(), strict=True))
        if projected.result.relationship_count == 0:
            # No entity shares a turn with another: every entity is its own community (and
            # GDS 2.13's Leiden fails with a NullPointerException on a graph without links).
            community = {node: i for i, node in enumerate(sorted(score))}
        else:
            with _gds_errors(), timer("gds_leiden"):
                leiden = gds.leiden.stream(
                    g,
                    relationship_weight_property="weight",
                    max_levels=config.leiden_levels,
                    concurrency=config.concurrency,
                    random_seed=config.seed,
                    log_progress=False,
                )
            community = dict(
                zip(leiden["nodeId"].tolist(), leiden["communityId"].tolist(), strict=True)
            )
    finally:
        with _gds_errors(), timer("gds_drop"):
            gds.graph.drop(name, fail_if_missing=False)
    return _assemble(graph, owner, config, timer, score, community, projected.result)


def _assemble(
    graph: Graph,
    owner: str,
    config: AnalyticsConfig,
    timer: _Timer,
    score: dict[int, float],
    community: dict[int, int],
    projected: Any,
) -> tuple[list[RankedEntity], list[Community], EntityGraph]:
    """Top entities and the largest communities, names resolved in one lookup."""
    by_rank = sorted(score, key=lambda n: (-score[n], n))
    members: dict[int, list[int]] = defaultdict(list)
    for node in by_rank:
        members[community.get(node, -1)].append(node)
    largest = sorted(members, key=lambda c: (-len(members[c]), -score[members[c][0]], c))
    largest = largest[: config.communities]
    wanted = set(by_rank[: config.top_entities])
    for cid in largest:
        wanted.update(members[cid][: config.members_per_community])
    with timer("lookup"):
        rows = graph.read("analytics/entities_by_node_id", user_id=owner, ids=sorted(wanted))
    info = {r["node_id"]: r for r in rows}

    def ranked(node: int) -> RankedEntity:
        r = info[node]
        return RankedEntity(
            r["id"],
            r["name"],
            r["kind"],
            round(score[node], 6),
            r["mentions"],
            community.get(node),
        )

    top = [ranked(n) for n in by_rank[: config.top_entities] if n in info]
    groups = [
        Community(
            id=int(cid),
            size=len(members[cid]),
            members=[ranked(n) for n in members[cid][: config.members_per_community] if n in info],
        )
        for cid in largest
    ]
    summary = EntityGraph(
        nodes=int(projected.node_count),
        # GDS counts each undirected link in both directions.
        links=int(projected.relationship_count) // 2,
        communities=len(members),
    )
    return top, groups, summary


_clients: weakref.WeakKeyDictionary[Graph, GraphDataScience] = weakref.WeakKeyDictionary()
_clients_lock = threading.Lock()
_last_sweep = 0.0


def gds_client(graph: Graph) -> GraphDataScience:
    """One ``GraphDataScience`` per ``Graph``, sharing its driver (Bolt only, no Arrow)."""
    with _clients_lock:
        client = _clients.get(graph)
        if client is None:
            with _gds_errors():
                client = GraphDataScience(
                    graph.driver, database=graph.database, arrow=False, show_progress=False
                )
            _clients[graph] = client
        return client


def _sweep_stale(gds: GraphDataScience) -> None:
    """Drop analytics projections a crashed process left behind (at most once a minute)."""
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < 60:
        return
    _last_sweep = now
    with _gds_errors():
        for info in gds.graph.list():
            age = datetime.now(UTC) - info.creation_time
            if info.graph_name.startswith(PROJECTION_PREFIX) and age > STALE_AFTER:
                gds.graph.drop(info.graph_name, fail_if_missing=False)


@contextmanager
def _gds_errors() -> Iterator[None]:
    """Driver errors map like every other statement's; the client's own ones become CypherError."""
    try:
        with _mapped_errors():
            yield
    except (ValueError, KeyError, TypeError) as e:
        raise CypherError(f"GDS analytics failed: {e}") from e


# ---- shaping -------------------------------------------------------------------------------


def _growth(rows: list[Row]) -> list[GrowthPoint]:
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: {"turns": 0, "interactions": 0})
    for r in rows:
        per_day[r["day"]][r["kind"]] += r["n"]
    return [GrowthPoint(day, **v) for day, v in sorted(per_day.items())]


def _fact_points(rows: list[Row], conflict_days: list[Row]) -> list[FactPoint]:
    per_day: dict[str, dict[str, int]] = defaultdict(
        lambda: {"asserted": 0, "superseded": 0, "conflicts": 0}
    )
    for r in rows:
        per_day[r["day"]][r["kind"]] += r["n"]
    for r in conflict_days:
        per_day[r["day"]]["conflicts"] += r["n"]
    return [FactPoint(day, **v) for day, v in sorted(per_day.items())]


P = TypeVar("P", GrowthPoint, FactPoint)


def _weekly(points: Iterable[P]) -> list[P]:
    """Sum daily points into ISO weeks labelled by their Monday."""
    weeks: dict[str, list[P]] = defaultdict(list)
    for p in points:
        day = date.fromisoformat(p.period)
        weeks[(day - timedelta(days=day.weekday())).isoformat()].append(p)
    out: list[P] = []
    for monday, group in sorted(weeks.items()):
        first = group[0]
        sums = {
            k: sum(getattr(p, k) for p in group)
            for k in type(first).__dataclass_fields__
            if k != "period"
        }
        out.append(type(first)(monday, **sums))
    return out


def _persona(rows: list[Row], conflicts: list[Row]) -> list[PersonaFact]:
    clashing = {r["a"]["id"] for r in conflicts} | {r["b"]["id"] for r in conflicts}

    def status(r: Row) -> str:
        if r["valid_to"] is not None:
            return "superseded"
        return "conflict" if r["id"] in clashing else "current"

    return [
        PersonaFact(
            id=r["id"],
            subject=r["subject"],
            predicate=r["predicate"],
            object=r["object"],
            polarity=bool(r["polarity"]),
            confidence=r["confidence"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            text=r["text"] or "",
            superseded_by=r["superseded_by"],
            status=status(r),
        )
        for r in rows
    ]


def _conflict(r: Row) -> Conflict:
    def side(s: Row) -> ConflictSide:
        return ConflictSide(
            s["id"],
            s["object"],
            bool(s["polarity"]),
            s["valid_from"],
            s["text"] or "",
            s["turn_id"],
        )

    return Conflict(r["subject"], r["predicate"], side(r["a"]), side(r["b"]))


def _scenes(counts: Row, rows: list[Row]) -> Scenes:
    n, members = counts["scenes"], counts["scene_members"]
    return Scenes(
        count=n,
        members=members,
        largest=counts["largest_scene"],
        mean_size=round(members / n, 2) if n else 0.0,
        top=[
            SceneStat(
                r["id"],
                r["text"] or "",
                r["size"],
                {m["label"]: m["n"] for m in r["members"]},
                list(r["entities"]),
            )
            for r in rows
        ],
    )


# ---- stamp, cache, locks, timing -----------------------------------------------------------

Stamp = tuple[Any, ...]


def _stamp(graph: Graph, owner: str) -> Stamp:
    row = graph.read("analytics/read_stamp", user_id=owner)[0]
    if not (row["segments"] or row["entities"] or row["facts"]):
        raise NotFound("no memory stored for this user")
    return tuple(sorted(row.items()))


class _Cache:
    """A bounded LRU of (stamp, analytics) per (server, database, owner)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, str, str], tuple[Stamp, Analytics]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str], stamp: Stamp) -> Analytics | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return replace(entry[1], cached=True)

    def put(self, key: tuple[str, str, str], stamp: Stamp, value: Analytics, size: int) -> None:
        with self._lock:
            self._entries[key] = (stamp, value)
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_CACHE = _Cache()
_STRIPES = [threading.Lock() for _ in range(64)]


def _owner_lock(owner: str) -> threading.Lock:
    """A striped lock: one computation per owner at a time, bounded memory for many owners."""
    return _STRIPES[hash(owner) % len(_STRIPES)]


def clear_cache() -> None:
    _CACHE.clear()


class _Timer:
    def __init__(self) -> None:
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = (time.perf_counter() - started) * 1000
            self.ms[stage] = round(self.ms.get(stage, 0.0) + spent, 1)
