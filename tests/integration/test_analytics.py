"""Analytics against the real Neo4j + GDS: every number checked against direct Cypher counts
and against what the synthetic generator wrote; per-user isolation, projection cleanup, cache.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest

from strata.graph.analytics import (
    PROJECTION_PREFIX,
    AnalyticsConfig,
    clear_cache,
    gds_client,
    user_analytics,
)
from strata.graph.db import Graph
from strata.graph.errors import CypherError, NotFound
from strata.ingest.synthetic import SynthSpec, Truth, entity_name, write_user

TENANT = "acme"
KEY = "analytics-test-key-0123456789"


def _owner() -> str:
    return f"{TENANT}:an-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def synthetic(graph: Graph) -> tuple[str, Truth]:
    """One synthetic user: 1,000 turns over 30 days, 40 entities in two clusters that never
    share a turn, moves that supersede each other and same-instant contradictions."""
    from strata.api.runtime import embedder

    owner = _owner()
    truth = write_user(graph, SynthSpec(owner=owner, dim=embedder().dim))
    return owner, truth


@pytest.fixture(scope="module")
def client(graph: Graph) -> Iterator[httpx.Client]:
    """The real app over HTTP (lifespan off: it would close the session's shared driver)."""
    from tests_support import running

    from strata.api.http.app import create_app

    with running(create_app(api_keys={KEY: TENANT})) as url, httpx.Client(base_url=url) as c:
        yield c


def one(graph: Graph, query: str, **params: Any) -> Any:
    row = graph.run_raw(query, **params)[0]
    return next(iter(row.values()))


# ---- numbers against direct Cypher -----------------------------------------------------------


def test_counts_match_direct_cypher_and_the_generator(
    graph: Graph, synthetic: tuple[str, Truth]
) -> None:
    owner, truth = synthetic
    a = user_analytics(graph, owner, refresh=True)
    direct = {
        label.lower() + "s": one(
            graph, f"MATCH (n:{label} {{user_id: $u}}) RETURN count(n)", u=owner
        )
        for label in ("Turn", "Segment", "Interaction", "Fact", "Entity")
    }
    assert direct == {
        "turns": truth.turns,
        "segments": truth.segments,
        "interactions": truth.interactions,
        "facts": truth.facts,
        "entitys": truth.entities,
    }
    c = a.counts
    assert (c.turns, c.segments, c.interactions, c.facts, c.entities) == (
        truth.turns, truth.segments, truth.interactions, truth.facts, truth.entities,
    )  # fmt: skip
    assert (c.insights, c.scenes, c.events, c.queries) == (0, 0, 0, 0)


def test_strata_synth_writes_the_same_user_once_however_often_it_runs(graph: Graph) -> None:
    from typer.testing import CliRunner

    from strata.api.cli import app

    user = f"synth-{uuid.uuid4().hex[:8]}"
    args = ["synth", "--tenant", TENANT, "--user", user, "--turns", "100"]
    first, again = CliRunner().invoke(app, args), CliRunner().invoke(app, args)
    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    said = json.loads(first.output.strip().splitlines()[-1])
    stored = one(graph, "MATCH (t:Turn {user_id: $u}) RETURN count(t)", u=f"{TENANT}:{user}")
    assert said["turns"] == stored == 100


def test_growth_per_day_and_week(graph: Graph, synthetic: tuple[str, Truth]) -> None:
    owner, truth = synthetic
    a = user_analytics(graph, owner)
    assert {p.period: p.turns for p in a.growth_daily} == truth.turns_per_day
    direct = graph.run_raw(
        "MATCH (i:Interaction {user_id: $u}) "
        "RETURN toString(date(i.started_at)) AS day, count(*) AS n",
        u=owner,
    )
    assert {p.period: p.interactions for p in a.growth_daily if p.interactions} == {
        r["day"]: r["n"] for r in direct
    }
    weekly: Counter[str] = Counter()
    for day, n in truth.turns_per_day.items():
        d = date.fromisoformat(day)
        weekly[(d - timedelta(days=d.weekday())).isoformat()] += n
    assert {p.period: p.turns for p in a.growth_weekly} == dict(weekly)
    assert all(date.fromisoformat(p.period).weekday() == 0 for p in a.growth_weekly)


def test_facts_supersessions_and_conflicts(graph: Graph, synthetic: tuple[str, Truth]) -> None:
    owner, truth = synthetic
    a = user_analytics(graph, owner)
    closed = one(
        graph, "MATCH (f:Fact {user_id: $u}) WHERE f.valid_to IS NOT NULL RETURN count(f)", u=owner
    )
    pairs = one(
        graph,
        "MATCH (x:Fact {user_id: $u}), (y:Fact {user_id: $u}) "
        "WHERE x.valid_to IS NULL AND y.valid_to IS NULL AND x.id < y.id "
        "AND x.subject_key = y.subject_key AND x.predicate = y.predicate "
        "AND x.object = y.object AND x.polarity <> y.polarity RETURN count(*)",
        u=owner,
    )
    t = a.fact_totals
    assert (t.facts, t.superseded, t.open, t.conflicts) == (
        truth.facts, truth.superseded, truth.facts - truth.superseded, truth.conflicts,
    )  # fmt: skip
    assert (closed, pairs) == (truth.superseded, truth.conflicts)
    assert sum(p.asserted for p in a.facts_daily) == truth.facts
    assert sum(p.superseded for p in a.facts_weekly) == truth.superseded
    assert sum(p.conflicts for p in a.facts_daily) == truth.conflicts
    assert len(a.conflicts) == truth.conflicts
    conflicting = {f.id for f in a.persona if f.status == "conflict"}
    assert conflicting == {s.id for c in a.conflicts for s in (c.a, c.b)} & {
        f.id for f in a.persona
    }
    superseded = [f for f in a.persona if f.status == "superseded"]
    assert superseded and all(f.valid_to and f.superseded_by for f in superseded)


def test_pagerank_agrees_with_networkx_on_the_same_graph(
    graph: Graph, synthetic: tuple[str, Truth]
) -> None:
    owner, truth = synthetic
    a = user_analytics(graph, owner)
    g = nx.Graph()
    g.add_nodes_from(
        r["name"]
        for r in graph.run_raw("MATCH (e:Entity {user_id: $u}) RETURN e.name AS name", u=owner)
    )
    for r in graph.run_raw(
        "MATCH (a:Entity {user_id: $u})<-[:MENTIONS]-(t:Turn)-[:MENTIONS]->(b:Entity) "
        "WHERE a.name < b.name RETURN a.name AS a, b.name AS b, count(t) AS w",
        u=owner,
    ):
        g.add_edge(r["a"], r["b"], weight=r["w"])
    expected = nx.pagerank(g, alpha=0.85, weight="weight")
    top = [e.name for e in a.top_entities[:6]]
    assert set(top) == set(sorted(expected, key=lambda n: -expected[n])[:6])
    assert a.entity_graph.nodes == truth.entities
    assert a.entity_graph.links == g.number_of_edges()
    for e in a.top_entities:
        assert e.mentions == truth.mentions[e.name]


def test_communities_never_mix_clusters_that_never_meet(
    graph: Graph, synthetic: tuple[str, Truth]
) -> None:
    owner, truth = synthetic
    a = user_analytics(graph, owner)
    assert a.communities
    for community in a.communities:
        clusters = {truth.cluster_of.get(m.name, -1) for m in community.members}
        assert len(clusters) == 1, community
    assert all(e.community is not None for e in a.top_entities)
    by_cluster: dict[int, set[int | None]] = defaultdict(set)
    for e in a.top_entities:
        by_cluster[truth.cluster_of[e.name]].add(e.community)
    assert not by_cluster[0] & by_cluster[1]


def test_bounds_of_the_payload(graph: Graph, synthetic: tuple[str, Truth]) -> None:
    owner, _ = synthetic
    config = AnalyticsConfig(
        top_entities=5, communities=2, members_per_community=3, persona_facts=4, conflicts=2
    )
    a = user_analytics(graph, owner, refresh=True, config=config)
    assert len(a.top_entities) == 5
    assert len(a.communities) <= 2 and all(len(c.members) <= 3 for c in a.communities)
    assert len(a.persona) == 4 and len(a.conflicts) == 2
    assert a.top_entities == sorted(a.top_entities, key=lambda e: -e.score)


# ---- isolation, cleanup, cache ---------------------------------------------------------------


def test_another_users_memory_never_shows(graph: Graph, synthetic: tuple[str, Truth]) -> None:
    """Same entity names, different owner: the projection and every count stay per user."""
    from strata.api.runtime import embedder

    owner, truth = synthetic
    other = _owner()
    other_truth = write_user(
        graph, SynthSpec(owner=other, turns=300, entities=12, dim=embedder().dim)
    )
    mine = user_analytics(graph, owner, refresh=True)
    theirs = user_analytics(graph, other, refresh=True)
    assert (mine.counts.turns, theirs.counts.turns) == (truth.turns, other_truth.turns)
    assert theirs.entity_graph.nodes == other_truth.entities
    ids = [e.id for e in theirs.top_entities] + [
        m.id for c in theirs.communities for m in c.members
    ]
    owners = graph.run_raw(
        "MATCH (e:Entity) WHERE e.id IN $ids RETURN collect(DISTINCT e.user_id) AS o", ids=ids
    )
    assert owners[0]["o"] == [other]


def _analytics_graphs(graph: Graph) -> set[str]:
    return {
        g.graph_name
        for g in gds_client(graph).graph.list()
        if g.graph_name.startswith(PROJECTION_PREFIX)
    }


def test_projection_is_dropped_even_when_an_algorithm_fails(
    graph: Graph, synthetic: tuple[str, Truth], monkeypatch: pytest.MonkeyPatch
) -> None:
    from graphdatascience.procedure_surface.cypher.community.leiden_cypher_endpoints import (
        LeidenCypherEndpoints,
    )

    owner, _ = synthetic
    before = _analytics_graphs(graph)

    def boom(*_: object, **__: object) -> None:
        raise ValueError("leiden failed")

    monkeypatch.setattr(LeidenCypherEndpoints, "stream", boom)
    with pytest.raises(CypherError, match="leiden failed"):
        user_analytics(graph, owner, refresh=True)
    assert _analytics_graphs(graph) <= before
    monkeypatch.undo()
    user_analytics(graph, owner, refresh=True)
    assert _analytics_graphs(graph) <= before


def test_cache_is_reused_until_an_ingest_changes_the_memory(graph: Graph) -> None:
    from strata.api.runtime import embedder

    owner = _owner()
    spec = SynthSpec(owner=owner, turns=100, entities=8, dim=embedder().dim)
    write_user(graph, spec)
    clear_cache()
    first = user_analytics(graph, owner)
    again = user_analytics(graph, owner)
    assert (first.cached, again.cached) == (False, True)
    assert again.computed_at == first.computed_at
    write_user(graph, SynthSpec(owner=owner, turns=150, entities=8, dim=embedder().dim))
    after = user_analytics(graph, owner)
    assert not after.cached and after.counts.turns == 150
    assert user_analytics(graph, owner, refresh=True).cached is False


def test_entities_that_never_meet_are_their_own_communities(graph: Graph) -> None:
    """One mentioned entity and two fact subjects: a projection without a single link."""
    from strata.api.runtime import embedder

    owner = _owner()
    truth = write_user(
        graph, SynthSpec(owner=owner, turns=50, entities=1, clusters=1, dim=embedder().dim)
    )
    a = user_analytics(graph, owner)
    assert (a.entity_graph.nodes, a.entity_graph.links) == (truth.entities, 0)
    assert a.entity_graph.communities == truth.entities
    assert all(c.size == 1 for c in a.communities)
    assert a.top_entities[0].name == entity_name(0)


def test_unknown_user_is_not_found(graph: Graph) -> None:
    with pytest.raises(NotFound):
        user_analytics(graph, _owner())


# ---- the pipeline end to end -----------------------------------------------------------------


def test_a_real_ingest_is_reported_as_stored(graph: Graph) -> None:
    """Ingest a conversation with the real pipeline; analytics agree with direct counts."""
    from e2e.memory_fixture import SESSIONS, ingest

    owner = _owner()
    ingest(graph, owner)
    a = user_analytics(graph, owner)
    assert (
        a.counts.turns
        == sum(len(s) for s in SESSIONS)
        == one(graph, "MATCH (t:Turn {user_id: $u}) RETURN count(t)", u=owner)
    )
    assert a.counts.scenes == one(
        graph,
        "MATCH (s:Scene {user_id: $u}) WHERE NOT coalesce(s.retired, false) RETURN count(s)",
        u=owner,
    )
    assert a.scenes.members == one(
        graph,
        "MATCH (s:Scene {user_id: $u})-[:HAS_MEMBER]->(m) WHERE NOT coalesce(s.retired, false) "
        "RETURN count(m)",
        u=owner,
    )
    lives = [f for f in a.persona if f.predicate == "lives_in"]
    assert {(f.object, f.status) for f in lives} == {("paris", "superseded"), ("berlin", "current")}
    assert a.fact_totals.conflicts >= 1
    assert any(c.predicate == "likes" and c.a.object == c.b.object == "tea" for c in a.conflicts)
    top = a.top_entities[0]
    assert top.mentions == one(
        graph,
        "MATCH (:Turn {user_id: $u})-[:MENTIONS]->(e:Entity {id: $id}) RETURN count(*)",
        u=owner,
        id=top.id,
    )


# ---- HTTP ------------------------------------------------------------------------------------


def test_http_requires_the_key_and_scopes_by_tenant(
    client: httpx.Client, synthetic: tuple[str, Truth]
) -> None:
    owner, truth = synthetic
    user = owner.split(":", 1)[1]
    assert client.get(f"/v1/users/{user}/analytics").status_code == 401
    auth = {"Authorization": f"Bearer {KEY}"}
    body = client.get(f"/v1/users/{user}/analytics", headers=auth).json()
    assert body["user_id"] == user
    assert body["counts"]["turns"] == truth.turns
    assert body["fact_totals"]["conflicts"] == truth.conflicts
    missing = client.get("/v1/users/nobody-here/analytics", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"]
    assert client.get("/v1/users/bad%20id!/analytics", headers=auth).status_code == 422


def test_http_neighbourhood(
    client: httpx.Client, graph: Graph, synthetic: tuple[str, Truth]
) -> None:
    owner, truth = synthetic
    user = owner.split(":", 1)[1]
    auth = {"Authorization": f"Bearer {KEY}"}
    center = entity_name(0)
    r = client.get(
        f"/v1/users/{user}/analytics/neighbourhood",
        params={"center": center.lower(), "limit": 5},
        headers=auth,
    )
    assert r.status_code == 200
    body = r.json()
    assert body["center"]["name"] == center and body["center"]["weight"] == truth.mentions[center]
    assert 0 < len(body["nodes"]) <= 5
    for n in body["nodes"]:
        assert truth.cluster_of[n["name"]] == truth.cluster_of[center]
        shared = one(
            graph,
            "MATCH (:Entity {id: $a})<-[:MENTIONS]-(t:Turn)-[:MENTIONS]->(:Entity {id: $b}) "
            "RETURN count(t)",
            a=body["center"]["id"],
            b=n["id"],
        )
        assert n["weight"] == shared
    assert body["nodes"] == sorted(body["nodes"], key=lambda n: (-n["weight"], n["name"]))


@pytest.mark.parametrize(
    "payload",
    [
        "' OR 1=1 //",
        "x}) DETACH DELETE n //",
        "E00000') MATCH (n) DETACH DELETE n //",
        "$user_id",
        "*",
    ],
)
def test_http_neighbourhood_injection_payloads_find_nothing(
    client: httpx.Client, graph: Graph, synthetic: tuple[str, Truth], payload: str
) -> None:
    owner, truth = synthetic
    user = owner.split(":", 1)[1]
    r = client.get(
        f"/v1/users/{user}/analytics/neighbourhood",
        params={"center": payload},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert r.status_code == 404
    assert one(graph, "MATCH (t:Turn {user_id: $u}) RETURN count(t)", u=owner) == truth.turns


def test_dashboard_is_served_offline(client: httpx.Client) -> None:
    page = client.get("/dashboard")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in page.text.replace("http://www.w3.org", "")  # no CDN, no external URL
    for name, kind in (("app.js", "javascript"), ("style.css", "css")):
        asset = client.get(f"/dashboard/assets/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"]
    assert client.get("/dashboard/assets/analytics.py").status_code == 404
    assert client.get("/dashboard/assets/..%2F..%2Fhttp%2Fanalytics.py").status_code == 404


# ---- saved Neo4j Browser queries ---------------------------------------------------------------

BROWSER_QUERIES = sorted(
    (Path(__file__).resolve().parents[2] / "cypher" / "browser").glob("*.cypher")
)


@pytest.mark.parametrize("path", BROWSER_QUERIES, ids=lambda p: p.stem)
def test_saved_browser_queries_run_and_stay_in_the_user(
    graph: Graph, synthetic: tuple[str, Truth], path: Path
) -> None:
    """Each favourite plans, runs for a user, and only returns that user's nodes."""
    owner, _ = synthetic
    text = path.read_text(encoding="utf-8")
    assert text.startswith("// Strata · ") and "$user_id" in text
    graph.run_raw("EXPLAIN " + text, user_id=owner, entity=entity_name(0))
    rows = graph.run_raw(text, user_id=owner, entity=entity_name(0))
    owners = {node["user_id"] for row in rows for value in row.values() for node in _nodes(value)}
    assert owners <= {owner}
    if path.stem in {
        "show_hierarchy",
        "show_persona",
        "show_contradictions",
        "show_entity_neighbourhood",
    }:
        assert rows, path.stem


def _nodes(value: Any) -> list[dict[str, Any]]:
    """Nodes in a returned value (paths come back as alternating node/relationship lists)."""
    if isinstance(value, dict):
        return [value] if "user_id" in value else []
    if isinstance(value, list):
        return [n for v in value for n in _nodes(v)]
    return []
