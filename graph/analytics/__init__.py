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

The package: ``results`` (types), ``gds`` (GDS calls), ``shaping`` (rows to results),
``cache`` (stamped cache, locks, timing); the entry points are here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from strata.graph.analytics import shaping
from strata.graph.analytics.cache import CACHE, Timer, clear_cache, owner_lock, read_stamp
from strata.graph.analytics.gds import PROJECTION_PREFIX, gds_client, rank_entities
from strata.graph.analytics.results import (
    Analytics,
    AnalyticsConfig,
    Counts,
    FactTotals,
    Link,
    Neighbour,
    Neighbourhood,
)
from strata.graph.db import Graph
from strata.graph.errors import NotFound

__all__ = [
    "PROJECTION_PREFIX",
    "AnalyticsConfig",
    "clear_cache",
    "compute",
    "entity_neighbourhood",
    "gds_client",
    "user_analytics",
]


def user_analytics(
    graph: Graph, owner: str, *, refresh: bool = False, config: AnalyticsConfig | None = None
) -> Analytics:
    """The owner's analytics; cached while the stamp is unchanged (``NotFound`` if empty)."""
    config = config or AnalyticsConfig()
    key = (graph.settings.bolt_uri, graph.database, owner)
    with owner_lock(owner):
        stamp = read_stamp(graph, owner)
        if not refresh and (hit := CACHE.get(key, stamp)) is not None:
            return hit
        result = compute(graph, owner, config)
        CACHE.put(key, stamp, result, config.cache_size)
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
    timer = Timer()
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
    top, communities, summary = rank_entities(graph, owner, config, timer, counts.entities)

    daily_growth = shaping.growth(growth)
    daily_facts = shaping.fact_points(fact_rows, conflict_days)
    superseded = sum(p.superseded for p in daily_facts)
    return Analytics(
        owner=owner,
        computed_at=datetime.now(UTC),
        counts=counts,
        growth_daily=daily_growth,
        growth_weekly=shaping.weekly(daily_growth),
        facts_daily=daily_facts,
        facts_weekly=shaping.weekly(daily_facts),
        fact_totals=FactTotals(
            facts=counts.facts,
            open=counts.facts - superseded,
            superseded=superseded,
            conflicts=sum(r["n"] for r in conflict_days),
        ),
        top_entities=top,
        communities=communities,
        entity_graph=summary,
        persona=shaping.persona(persona, conflicts),
        conflicts=[shaping.conflict(r) for r in conflicts],
        scenes=shaping.scenes(c, scene_rows),
        timings_ms=timer.ms,
    )
