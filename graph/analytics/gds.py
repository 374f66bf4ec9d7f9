"""GDS on one user's entity co-mention projection: PageRank and Leiden, the client per driver,
and the sweep of projections a crashed process left behind."""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from graphdatascience import GraphDataScience

from strata.graph import cypher
from strata.graph.analytics.cache import Timer
from strata.graph.analytics.results import AnalyticsConfig, Community, EntityGraph, RankedEntity
from strata.graph.db import Graph, _mapped_errors
from strata.graph.errors import CypherError

PROJECTION_PREFIX = "strata-analytics-"
STALE_AFTER = timedelta(minutes=10)


def rank_entities(
    graph: Graph, owner: str, config: AnalyticsConfig, timer: Timer, n_entities: int
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
    timer: Timer,
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
