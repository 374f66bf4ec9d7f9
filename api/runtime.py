"""Brings a process up: the Neo4j the settings name (started when local), migrations, embedder.

Shared by the CLI, the HTTP server and the benchmarks, so they all talk to the same instance.
"""

from __future__ import annotations

import subprocess
import sys
import time
from functools import cache

from strata.graph.db import Graph, get_graph
from strata.graph.errors import ConfigError
from strata.graph.local.server import LocalNeo4j, port_in_use
from strata.graph.migrations import migrate
from strata.graph.settings import Settings, get_settings
from strata.ingest.embed import Embedder, get_embedder
from strata.ingest.extraction import PendingExtraction
from strata.ingest.llm import LLMExtractor
from strata.ingest.masking import vault
from strata.ingest.memory import Maintainer, MemoryConfig
from strata.ingest.models import Extraction, Turn
from strata.ingest.pii import KEY_HELP
from strata.ingest.pipeline import Extractor, Pipeline
from strata.query.planner import Planner


@cache
def embedder() -> Embedder:
    return get_embedder(get_settings())


def ready(settings: Settings | None = None, *, start_local: bool = True) -> Graph:
    """Return the process graph with migrations applied, starting the local server if needed."""
    settings = settings or get_settings()
    if settings.pii == "mask" and vault(settings) is None:  # at start, not at the first write
        raise ConfigError(f"STRATA_PII=mask needs STRATA_PII_KEY: {KEY_HELP}")
    if settings.local and start_local:
        LocalNeo4j(settings).start()
    graph = get_graph()
    emb = embedder()
    migrate(graph, emb.name, emb.dim)
    return graph


def start_api(port: int) -> subprocess.Popen[bytes]:
    """``strata serve`` on ``port``, once it answers /readyz. A taken port or an API that exits
    is a ``ConfigError``: another server answering on the port must not pass for ours."""
    import httpx  # only the demo needs a client

    if port_in_use(port):
        raise ConfigError(f"port {port} is in use by another process; choose one with --port")
    cmd = [
        sys.executable,
        "-m",
        "strata.api.cli",
        "serve",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            for _ in range(120):
                if server.poll() is not None:
                    raise ConfigError(f"the API exited on start (code {server.returncode})")
                try:
                    if http.get("/readyz").status_code == 200:
                        return server
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        raise ConfigError(f"the API did not answer on port {port} within 60 s")
    except BaseException:  # the errors above, and Ctrl-C while waiting: leave no API behind
        server.terminate()
        server.wait()
        raise


def pipeline(graph: Graph, memory: MemoryConfig | None = None) -> Pipeline:
    """The ingest pipeline: extraction, embedder, and memory maintenance after each batch."""
    from strata.ingest.masking import masker

    return Pipeline(graph, embedder(), extractor(), maintainer(graph, memory), masker(graph))


def maintainer(graph: Graph, memory: MemoryConfig | None = None) -> Maintainer:
    """Derived memory upkeep, extracting first what acknowledged ingests left pending."""
    extract = PendingExtraction(graph, embedder(), extractor())
    return Maintainer(graph, embedder(), memory, extract=extract)


@cache
def extractor() -> Extractor:
    """Rule extraction; the LLM extractor (with rule fallback) when STRATA_LLM_BASE_URL is set."""
    from strata.ingest.extract import Extractor as RuleExtractor

    settings = get_settings()
    rules = RuleExtractor(settings.spacy_model)
    llm = LLMExtractor.from_settings(settings)
    return rules if llm is None else LLMWithRules(llm, rules)


class LLMWithRules:
    """LLM extraction per interaction (bounded calls), rules for whatever the LLM could not do."""

    def __init__(self, llm: LLMExtractor, rules: Extractor) -> None:
        self.llm = llm
        self.rules = rules

    def extract_many(self, turns: list[Turn], known_people: set[str]) -> list[Extraction]:
        by_interaction: dict[str, list[int]] = {}
        for i, t in enumerate(turns):
            by_interaction.setdefault(t.interaction_id, []).append(i)
        out: list[Extraction] = [Extraction() for _ in turns]
        for positions in by_interaction.values():
            group = [turns[i] for i in positions]
            done = self.llm.extract_many(
                group, lambda ts: self.rules.extract_many(ts, known_people)
            )
            for i, ex, turn in zip(positions, done, group, strict=True):
                out[i] = resolve_event_times(ex, turn)
        return out


def resolve_event_times(ex: Extraction, turn: Turn) -> Extraction:
    """The LLM names times as written; resolve them against the turn's time like the rules do."""
    from dataclasses import replace

    from strata.ingest.timeparse import resolve

    ex.events = [
        replace(e, when=resolve(e.when_text, turn.time)) if e.when is None and e.when_text else e
        for e in ex.events
    ]
    return ex


@cache
def planner() -> Planner:
    from strata.graph.db import get_graph
    from strata.ingest.masking import masker

    graph = get_graph()
    return Planner(graph, embedder(), masker(graph))


HOT_AREAS = ("ingest", "memory", "query", "api", "store", "agent")


def warm_up(graph: Graph) -> dict[str, float]:
    """Do before the first request what it would otherwise wait for: plans of the statements
    requests run (EXPLAIN plans without executing, and fills Neo4j's query cache), the rule
    extractor and embedder, and the vector and full-text indexes (one search of a user who has
    no memory). Returns seconds per step."""
    from strata.graph import cypher
    from strata.graph.owners import LOCAL_TENANT

    took: dict[str, float] = {}
    started = time.perf_counter()
    for name in cypher.all_names():
        if name.split("/")[0] in HOT_AREAS and graph.supports(name):
            graph.run_raw("EXPLAIN " + cypher.load(name))
    took["plans"] = time.perf_counter() - started
    started = time.perf_counter()
    probe = Turn(
        id="warm-up", interaction_id="warm-up", user_id=f"{LOCAL_TENANT}:warm-up", seq=0,
        speaker="Ana", role="user", text="I moved to Lisbon last week.", time=None,
        source_id=None,
    )  # fmt: skip
    extractor().extract_many([probe], {"Ana"})
    embedder().embed([probe.text])
    took["extraction"] = time.perf_counter() - started
    started = time.perf_counter()
    planner().search(f"{LOCAL_TENANT}:warm-up", "Where does Ana live now?", k=5)
    took["search"] = time.perf_counter() - started
    return {k: round(v, 3) for k, v in took.items()}
