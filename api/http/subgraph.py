"""A bounded subgraph of one user's memory, for visualisation.

Breadth-first from the centers (entities named by id or name, else the most-mentioned ones):
at most ``depth`` hops (≤ 3), at most ``limit`` nodes (≤ 500), at most ``PER_NODE`` neighbours
taken from any one node per hop (so a hub cannot eat the budget), then every allow-listed
relationship among the chosen nodes. Labels and types come only from ``NodeLabel`` and
``RelType`` and travel as parameter values.
"""

from __future__ import annotations

from typing import Any

from strata.api.http.memory import native_time
from strata.api.http.schemas import GraphEdge, GraphNode, GraphOut, NodeLabel, RelType
from strata.graph.db import Graph
from strata.graph.errors import NotFound
from strata.ingest.extract import normalise_key

DEFAULT_CENTERS = 5
PER_NODE = 25
EDGES_PER_NODE = 8

Row = dict[str, Any]


def subgraph(
    graph: Graph,
    owner: str,
    *,
    center: str | None,
    depth: int,
    limit: int,
    labels: list[NodeLabel] | None = None,
) -> GraphOut:
    allowed = [label.value for label in NodeLabel if labels is None or label in labels]
    types = [t.value for t in RelType]
    centers = _centers(graph, owner, center, limit)
    chosen: dict[str, Row] = {r["element_id"]: r for r in centers}
    frontier = list(chosen)
    truncated = False
    for _ in range(depth):
        if not frontier:
            break
        rows = graph.read(
            "api/graph_neighbours",
            user_id=owner,
            frontier=frontier,
            labels=allowed,
            types=types,
            per_node=min(PER_NODE, limit),
        )
        fresh = [r for r in rows if r["element_id"] not in chosen and r["id"] is not None]
        room = limit - len(chosen)
        if len(fresh) > room:
            fresh, truncated = fresh[:room], True
        chosen.update((r["element_id"], r) for r in fresh)
        frontier = [r["element_id"] for r in fresh]
    edges = graph.read(
        "api/graph_edges",
        user_id=owner,
        ids=list(chosen),
        types=types,
        limit=EDGES_PER_NODE * limit,
    )
    return GraphOut(
        centers=[r["id"] for r in centers],
        nodes=[_node(r) for r in chosen.values()],
        edges=[GraphEdge(source=e["source"], target=e["target"], type=e["type"]) for e in edges],
        truncated=truncated,
    )


def _centers(graph: Graph, owner: str, center: str | None, limit: int) -> list[Row]:
    if center is None:
        return graph.read(
            "api/graph_top_entities", user_id=owner, limit=min(DEFAULT_CENTERS, limit)
        )
    rows = graph.read(
        "api/graph_centers",
        user_id=owner,
        center=center,
        key=normalise_key(center),
        limit=min(DEFAULT_CENTERS, limit),
    )
    if not rows:
        raise NotFound(f"no entity with id or name {center!r} in this user's memory")
    return rows


def _node(r: Row) -> GraphNode:
    return GraphNode(
        id=r["id"],
        label=NodeLabel(r["label"]),
        name=r["name"] if isinstance(r["name"], str) else None,
        text=r["text"] if isinstance(r["text"], str) else None,
        kind=r["kind"] if isinstance(r["kind"], str) else None,
        time=native_time(r["time"]),
    )
