"""Brings a process up: the Neo4j the settings name (started when local), migrations, embedder.

Shared by the CLI, the HTTP server and the benchmarks, so they all talk to the same instance.
"""

from __future__ import annotations

from functools import cache

from graph.db import Graph, get_graph
from graph.local.server import LocalNeo4j
from graph.migrations import migrate
from graph.settings import Settings, get_settings
from ingest.embed import Embedder, get_embedder
from ingest.pipeline import Pipeline
from query.planner import Planner


@cache
def embedder() -> Embedder:
    return get_embedder(get_settings())


def ready(settings: Settings | None = None, *, start_local: bool = True) -> Graph:
    """Return the process graph with migrations applied, starting the local server if needed."""
    settings = settings or get_settings()
    if settings.local and start_local:
        LocalNeo4j(settings).start()
    graph = get_graph()
    emb = embedder()
    migrate(graph, emb.name, emb.dim)
    return graph


def pipeline(graph: Graph) -> Pipeline:
    """The ingest pipeline: rule extraction (or the LLM one when configured) + embedder."""
    from ingest.extract import Extractor

    return Pipeline(graph, embedder(), Extractor(get_settings().spacy_model))


@cache
def planner() -> Planner:
    from graph.db import get_graph

    return Planner(get_graph(), embedder())
