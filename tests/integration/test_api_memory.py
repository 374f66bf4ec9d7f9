"""The memory routes against the real Neo4j, as a client sees them: ingest (idempotent), list
(paged, newest first), search, persona, graph, export → forget → re-import."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, LiteralString, cast

import httpx
import pytest
from test_api_support import Api, api, census, conversation, fresh_user
from tests_support import WAIT, derived_memory, running

from strata.api.http.app import create_app
from strata.api.http.enrichment import Enricher, Searches
from strata.api.http.erase import COUNT_LABELS
from strata.api.http.limits import Limits
from strata.api.runtime import pipeline
from strata.graph import cypher
from strata.graph.db import Graph
from strata.ingest.models import InteractionIn

pytestmark = pytest.mark.integration
__all__ = ["api"]  # the fixture, imported for pytest


def _ingest(api: Api, user: str, body: Any) -> dict[str, Any]:
    r = api.a.http.post(f"/v1/users/{user}/interactions", params=WAIT, json=body)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _export(api: Api, user: str) -> list[dict[str, Any]]:
    r = api.a.http.get(f"/v1/users/{user}/export")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in r.text.splitlines()]


@pytest.fixture(scope="module")
def remembered(api: Api) -> tuple[str, str]:
    """One user with the standard conversation; (user id, tag). Read-only for the tests."""
    tag = uuid.uuid4().hex[:6]
    user = fresh_user()
    _ingest(api, user, {"interactions": conversation(tag)})
    return user, tag


def test_ingest_counts_and_is_idempotent(api: Api, graph: Graph) -> None:
    user = fresh_user()
    body = {"interactions": conversation(uuid.uuid4().hex[:6])}
    first = _ingest(api, user, body)
    assert first["interactions"] == 3 and first["turns"] == 8
    assert first["entities"] > 0 and first["facts"] > 0
    before = census(graph, api.a.owner(user))
    assert before[0]["Interaction:Unit"] == 3 and before[0]["Turn:Unit"] == 8
    _ingest(api, user, body)  # a retry
    _ingest(api, user, body["interactions"][0])  # one interaction, not a batch
    assert census(graph, api.a.owner(user)) == before


def test_user_id_in_the_body_is_ignored(api: Api) -> None:
    user, other = fresh_user(), fresh_user()
    one = {**conversation("x")[0], "user_id": other}
    _ingest(api, user, one)
    assert len(_export(api, user)) == 1
    assert _export(api, other) == []


def test_bad_interactions_are_refused_whole(api: Api, graph: Graph) -> None:
    user = fresh_user()
    good = conversation("y")[0]
    cases = [
        ({"interactions": [good, {"messages": []}]}, 422),
        ({"interactions": [good, {**good}]}, 422),  # the same id twice
        ({"messages": [{"id": "a", "speaker": "x", "text": "1"}] * 2}, 422),  # message ids
        ({"messages": [{"speaker": "x", "text": "   "}]}, 422),
        ({"messages": [{"speaker": "x", "text": "hi", "colour": "red"}]}, 422),
        ({"interactions": [good] * 201}, 413),
        ({"messages": [{"speaker": "x", "text": "hi"}] * 2_001}, 413),
        ([good], 422),
        ("text", 422),
    ]
    for body, status in cases:
        r = api.a.http.post(f"/v1/users/{user}/interactions", params=WAIT, json=body)
        assert r.status_code == status, (str(body)[:200], r.text)
        assert set(r.json()["error"]) == {"code", "message", "where"}
    assert census(graph, api.a.owner(user)) == ({}, {})


def test_list_is_newest_first_and_cursor_pages_are_stable(api: Api) -> None:
    user = fresh_user()
    same_time = "2024-01-01T00:00:00Z"  # ties: the id decides, across page boundaries
    items = [
        {
            "id": f"i{n:02}",
            "started_at": same_time,
            "messages": [{"speaker": "a", "text": f"item {n} of the list, topic {n * 7}"}],
        }
        for n in range(7)
    ]
    items += [
        {
            "id": "new",
            "started_at": "2024-02-01T00:00:00Z",
            "messages": [{"speaker": "a", "text": "the new one about sailing"}],
        },
        {
            "id": "untimed",
            "messages": [{"speaker": "a", "text": "the one without a time, about bread"}],
        },
    ]
    _ingest(api, user, {"interactions": items})
    everything = api.a.http.get(f"/v1/users/{user}/interactions", params={"limit": 200}).json()
    assert everything["next_cursor"] is None
    order = [i["source_id"] for i in everything["items"]]
    assert order[0] == "new" and order[-1] == "untimed" and len(order) == 9

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.a.http.get(f"/v1/users/{user}/interactions", params=params).json()
        seen += [i["source_id"] for i in page["items"]]
        if len(seen) == 2:  # a newer interaction arriving mid-way does not shift the pages
            _ingest(
                api,
                user,
                {
                    "id": "newest",
                    "started_at": "2025-01-01T00:00:00Z",
                    "messages": [{"speaker": "a", "text": "the newest one, about kites"}],
                },
            )
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == order

    r = api.a.http.get(f"/v1/users/{user}/interactions", params={"cursor": "not-a-cursor"})
    assert r.status_code == 422 and r.json()["error"]["where"] == "query.cursor"


def test_search_answers_from_the_users_memory(api: Api, remembered: tuple[str, str]) -> None:
    user, tag = remembered
    mine = {i["id"] for i in api.a.http.get(f"/v1/users/{user}/interactions").json()["items"]}
    r = api.a.http.post(
        f"/v1/users/{user}/search",
        json={"query": f"glassblowing{tag} class with Anna", "k": 3, "explain": True},
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert 1 <= len(out["items"]) <= 3
    assert all(i["interaction_id"] in mine for i in out["items"])
    hits = [i for i in out["items"] if f"glassblowing{tag} class" in i["text"]]
    assert [i["source_id"] for i in hits] == ["m3"]  # provenance: the message id that was sent
    assert [(i["role"], i["via"], i["flags"]) for i in hits] == [("user", "api", [])]
    assert {s["name"] for s in out["plan"]["stages"]} >= {"seeds", "fuse"}
    assert out["timing_ms"] > 0

    now = api.a.http.post(f"/v1/users/{user}/search", json={"query": f"Where does Zora{tag} live?"})
    moves = [u for u in now.json()["updates"] if f"velmar{tag}" in u["new"]["text"].lower()]
    assert moves and all(u["since"] and u["old"]["evidence_turns"] for u in moves)

    r = api.a.http.post(
        f"/v1/users/{user}/search",
        json={"query": f"Where does Zora{tag} live?", "as_of": "2023-06-01T00:00:00Z"},
    )
    texts = [i["text"] for i in r.json()["items"]]
    assert texts and all("Oskany" not in t for t in texts)  # said later than as_of


def test_a_search_over_its_time_budget_is_a_clear_503(
    api: Api, remembered: tuple[str, str]
) -> None:
    user, _ = remembered
    app = create_app(api_keys={api.a.key: api.a.name}, limits=Limits(search_budget_s=0.001))
    with running(app) as url, httpx.Client(base_url=url, headers=api.a.http.headers) as slow:
        r = slow.post(f"/v1/users/{user}/search", json={"query": "where does she live"})
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == "time_budget_exceeded"
        assert "budget" in r.json()["error"]["message"]
        assert int(r.headers["Retry-After"]) >= 1
        assert slow.get(f"/v1/users/{user}/interactions").status_code == 200  # still serving


def test_persona_shows_validity_evidence_and_insights(
    api: Api, remembered: tuple[str, str]
) -> None:
    user, tag = remembered
    r = api.a.http.get(f"/v1/users/{user}/persona")
    assert r.status_code == 200, r.text
    out = r.json()
    me = next(s for s in out["subjects"] if s["name"] == f"Zora{tag}")
    by_predicate = {p["predicate"]: p["facts"] for p in me["predicates"]}
    lives = by_predicate["lives_in"]
    closed = [f for f in lives if not f["open"]]
    assert closed and all(f["valid_to"] and f["superseded_by"] for f in closed)
    ids = {f["id"] for f in lives}
    assert all(f["superseded_by"] in ids for f in closed)
    assert all(f["evidence_turn_ids"] for f in lives)
    assert sum(f["open"] for f in by_predicate["works_as"]) == 1  # nurse → teacher
    assert out["insights"] and all(i["id"] for i in out["insights"])
    assert out["truncated"] is False
    assert api.a.http.get(f"/v1/users/{user}/persona", params={"limit": 1}).json()["truncated"]


def test_persona_lists_open_conflicts(api: Api) -> None:
    user = fresh_user()
    drink = f"matcha{uuid.uuid4().hex[:6]}"
    _ingest(
        api,
        user,
        {
            "id": "c",
            "started_at": "2024-01-01T00:00:00Z",
            "messages": [
                {"speaker": "Ivo", "text": f"I like {drink}."},
                {"speaker": "Ivo", "text": f"I don't like {drink}."},
            ],
        },
    )
    out = api.a.http.get(f"/v1/users/{user}/persona").json()
    assert out["conflicts"], out
    sides = {s["text"] for c in out["conflicts"] for s in c["sides"]}
    assert any(drink in s for s in sides)


def test_persona_checks_ages_against_birth_years(api: Api) -> None:
    """A superseded age still bounds the birth year; growing older is no conflict."""
    user = fresh_user()
    said = [
        ("I'm 32.", "2024-01-10T09:00:00Z"),
        ("I'm 33 now.", "2025-01-20T09:00:00Z"),
        ("I was born in 1991.", "2025-02-01T09:00:00Z"),
    ]
    messages = [{"speaker": "Ivo", "text": t, "timestamp": at} for t, at in said]
    _ingest(api, user, {"id": "a", "messages": messages})
    assert api.a.http.get(f"/v1/users/{user}/persona").json()["conflicts"] == []
    late = [{"speaker": "Ivo", "text": "I was born in 1980.", "timestamp": "2025-03-01T09:00:00Z"}]
    _ingest(api, user, {"id": "b", "messages": late})
    out = api.a.http.get(f"/v1/users/{user}/persona").json()
    sides = [s["text"] for c in out["conflicts"] for s in c["sides"]]
    assert any("1980" in s for s in sides) and any("age 32" in s for s in sides), out


def test_graph_is_bounded_and_allow_listed(api: Api, remembered: tuple[str, str]) -> None:
    user, tag = remembered
    get = api.a.http.get
    default = get(f"/v1/users/{user}/graph").json()
    assert default["centers"] and {n["id"] for n in default["nodes"]} >= set(default["centers"])

    one = get(f"/v1/users/{user}/graph", params={"center": f"zora{tag}", "depth": 1}).json()
    two = get(f"/v1/users/{user}/graph", params={"center": f"Zora{tag}", "depth": 2}).json()
    assert len(one["centers"]) == 1 and one["centers"] == two["centers"]
    assert len(two["nodes"]) > len(one["nodes"]) > 1
    ids = {n["id"] for n in two["nodes"]}
    assert two["edges"] and all(e["source"] in ids and e["target"] in ids for e in two["edges"])
    assert {"Entity", "Turn"} <= {n["label"] for n in two["nodes"]}

    small = get(f"/v1/users/{user}/graph", params={"depth": 3, "limit": 3}).json()
    assert len(small["nodes"]) <= 3 and small["truncated"]

    only = get(f"/v1/users/{user}/graph", params={"depth": 2, "labels": ["Entity", "Fact"]})
    assert {n["label"] for n in only.json()["nodes"]} <= {"Entity", "Fact"}

    for params, status in [
        ({"center": "nobody-at-all"}, 404),
        ({"depth": 4}, 422),
        ({"limit": 501}, 422),
        ({"labels": ["Migration"]}, 422),
    ]:
        r = get(f"/v1/users/{user}/graph", params=params)
        assert r.status_code == status, (params, r.text)


def test_export_forget_reimport_round_trips(api: Api, graph: Graph) -> None:
    user = fresh_user()
    owner = api.a.owner(user)
    _ingest(api, user, {"interactions": conversation(uuid.uuid4().hex[:6])})
    before = census(graph, owner)
    lines = _export(api, user)
    assert len(lines) == 3 and all(line["user_id"] == user for line in lines)
    assert lines[0]["messages"][2]["attachments"] == [  # as sent, URL included
        {"kind": "image_caption", "text": "a glowing vase", "url": "https://example.org/vase.jpg"}
    ]

    r = api.a.http.delete(f"/v1/users/{user}")
    assert r.status_code == 200, r.text
    assert r.json()["nodes"] == sum(before[0].values())
    assert census(graph, owner) == ({}, {})
    assert _export(api, user) == []
    assert api.a.http.delete(f"/v1/users/{user}").json()["nodes"] == 0  # idempotent

    _ingest(api, user, {"interactions": lines})
    after = census(graph, owner)
    assert after[0] == before[0]  # every node back, per label
    # Every relationship back, except GMM association links: their candidates come from an
    # approximate vector index shared by all users (Neo4j 5.26 has no filtered ANN), so a
    # re-import into a different index state may pick a slightly different candidate set.
    links_before, links_after = before[1].pop("ASSOCIATED", 0), after[1].pop("ASSOCIATED", 0)
    assert after[1] == before[1]
    assert links_before > 0 and abs(links_after - links_before) <= max(2, links_before // 5)
    assert _export(api, user) == lines  # same ids, same text, same times


def _operators(plan: dict[str, Any]) -> set[str]:
    return {plan["operatorType"].split("@")[0]}.union(
        *(_operators(child) for child in plan.get("children", []))
    )


def test_forget_seeks_the_owner_by_label_never_scans(api: Api, graph: Graph) -> None:
    user = fresh_user()
    owner = api.a.owner(user)
    _ingest(api, user, {"interactions": conversation(uuid.uuid4().hex[:6])})
    query = cast(LiteralString, "PROFILE " + cypher.load("api/delete_owned_nodes"))
    with graph.driver.session(database=graph.database) as session:
        params = {"user_id": owner, "batch": 100_000, "labels": COUNT_LABELS}
        summary = session.run(query, params).consume()
    assert summary.profile is not None
    operators = _operators(summary.profile)
    assert "AllNodesScan" not in operators and "NodeIndexSeek" in operators, operators
    assert census(graph, owner) == ({}, {})  # one batch took everything


def test_export_streams_many_pages_in_order(api: Api) -> None:
    user = fresh_user()
    items = [
        {
            "id": f"p{n:03}",
            "started_at": "2024-03-01T00:00:00Z",
            "messages": [{"speaker": "a", "text": f"note {n}"}],
        }
        for n in range(120)
    ]
    _ingest(api, user, {"interactions": items})
    lines = _export(api, user)  # 3 pages; all at one instant, so the id orders them
    assert len(lines) == 120
    assert {line["id"] for line in lines} == {it["id"] for it in items}


def _caught_up(api: Api, deadline_s: float = 120.0) -> dict[str, Any]:
    """Poll the tenant's backlog until it is empty (a condition, with a generous deadline)."""
    end = time.monotonic() + deadline_s
    while True:
        backlog = api.a.http.get("/v1/status").json()["enrichment"]
        if backlog["pending_users"] == 0 or time.monotonic() > end:
            return backlog
        time.sleep(0.1)


def test_an_ingest_is_acknowledged_before_enrichment_which_catches_up(
    api: Api, graph: Graph
) -> None:
    """Without wait the answer says enrichment is pending, the turns are searchable at once,
    the backlog drains by itself, and the result equals a synchronous ingest's."""
    acked, synced = fresh_user(), fresh_user()
    body = {"interactions": conversation("ack")}
    r = api.a.http.post(f"/v1/users/{acked}/interactions", json=body)
    assert r.status_code == 200 and r.json()["enrichment"] == "pending"
    search = {"query": "glassblowingack class"}
    found = api.a.http.post(f"/v1/users/{acked}/search", json=search).json()
    assert found["items"]  # searchable at once, enriched or not
    assert _caught_up(api)["pending_users"] == 0
    assert _ingest(api, synced, body)["enrichment"] == "done"
    tenant = api.a.name
    assert derived_memory(graph, f"{tenant}:{acked}") == derived_memory(graph, f"{tenant}:{synced}")

    # A restart resumes the backlog the graph records: write without enriching, then resume.
    left = fresh_user()
    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": f"{tenant}:{left}"}) for it in _interactions(body)],
        enrich=False,
    )
    assert api.a.http.get("/v1/status").json()["enrichment"]["pending_users"] == 1
    enricher = Enricher(Searches())
    assert enricher.resume(graph) >= 1
    assert _caught_up(api)["pending_users"] == 0
    enricher.stop()
    assert derived_memory(graph, f"{tenant}:{left}") == derived_memory(graph, f"{tenant}:{synced}")


def _interactions(body: dict[str, Any]) -> list[InteractionIn]:
    return [InteractionIn.model_validate({**it, "user_id": "x"}) for it in body["interactions"]]


def test_a_pasted_document_of_any_length_is_kept_whole_and_searchable(
    api: Api, graph: Graph
) -> None:
    """A user pastes a 350,000-character log: nothing is refused or cut; search finds the
    passage that holds a line deep inside it (with its offset), and the export gives the
    message back exactly."""
    user = fresh_user()
    tag = uuid.uuid4().hex[:6]
    lines = [
        f"2026-11-{i % 28 + 1:02d} worker {i}: batch finished in {i % 97} ms\n"
        for i in range(7_000)
    ]
    lines[5_123] = f"2026-11-30 worker 5123: checksum quarrel{tag} failed on shard nine\n"
    blob = "".join(lines)
    assert len(blob) > 300_000
    body = {
        "interactions": [
            {
                "id": "paste",
                "messages": [
                    {
                        "id": "m1",
                        "speaker": "Dana",
                        "role": "user",
                        "text": "Here is the log:\n" + blob,
                    },
                    {"id": "m2", "speaker": "assistant", "role": "assistant", "text": "Thanks."},
                ],
            }
        ]
    }
    first = _ingest(api, user, body)
    before = census(graph, api.a.owner(user))
    _ingest(api, user, body)  # a retry changes nothing
    assert census(graph, api.a.owner(user)) == before and first["turns"] > 80

    r = api.a.http.post(
        f"/v1/users/{user}/search", json={"query": f"which shard failed the quarrel{tag} checksum?"}
    )
    assert r.status_code == 200, r.text
    top = r.json()["items"][0]
    assert top["source_id"] == "m1" and f"quarrel{tag}" in top["text"] and top["role"] == "user"
    original = "Here is the log:\n" + blob
    passage = top["text"].removeprefix("Dana: ")  # an item's text names its speaker
    assert original[top["offset"] : top["offset"] + len(passage)] == passage
    assert top["offset"] > 200_000

    exported = _export(api, user)
    assert [m["text"] for m in exported[0]["messages"]] == [original, "Thanks."]


def test_a_trait_is_trusted_only_when_two_interactions_agree(api: Api) -> None:
    """Consensus before trust: what one interaction says about the user stays a candidate;
    the same trait from a second, independent interaction is trusted."""
    user, tag = fresh_user(), uuid.uuid4().hex[:6]
    said = [("a", f"I like oolong{tag}."), ("b", f"Yes, I like oolong{tag}.")]
    said.append(("c", f"I like durian{tag}."))
    for sid, text in said:
        _ingest(api, user, {"id": sid, "messages": [{"speaker": "Ivo", "text": text}]})
    insights = api.a.http.get(f"/v1/users/{user}/persona").json()["insights"]
    status = {i["object"]: (i["status"], i["sources"]) for i in insights}
    assert status[f"oolong{tag}"] == ("trusted", 2)
    assert status[f"durian{tag}"] == ("candidate", 1)
