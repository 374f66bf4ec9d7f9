"""Ingestion against the real Neo4j: hierarchy, entities, events, persona facts with validity,
queries, idempotency, and all-or-nothing batches."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from strata.api.runtime import pipeline
from strata.graph.db import Graph
from strata.graph.errors import CypherError, ValidationError
from strata.graph.store import Batch
from strata.ingest.models import InteractionIn
from strata.ingest.sources import read_file

DATA = Path(__file__).resolve().parents[1] / "data" / "conversation.jsonl"


def load(user: str) -> list[InteractionIn]:
    return [it.model_copy(update={"user_id": user}) for it in read_file(DATA, "native")]


def rows(graph: Graph, query: str, **params: Any) -> list[dict[str, Any]]:
    return graph.run_raw(query, **params)


def counts(graph: Graph, user: str) -> tuple[int, int]:
    nodes = rows(graph, "MATCH (n {user_id: $u}) RETURN count(n) AS n", u=user)[0]["n"]
    rels = rows(graph, "MATCH (n {user_id: $u})-[r]-() RETURN count(DISTINCT r) AS n", u=user)[0][
        "n"
    ]
    return nodes, rels


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def alice(graph: Graph, user_id: str) -> str:
    pipeline(graph).ingest(load(user_id))
    return user_id


def test_hierarchy_keeps_the_raw_conversation(graph: Graph, alice: str) -> None:
    turns = rows(
        graph,
        "MATCH (i:Interaction {user_id: $u})-[:HAS_TURN]->(t:Turn) "
        "RETURN i.source_id AS session, t.source_id AS id, t.raw_text AS text, "
        "t.attachments AS attachments ORDER BY session, t.seq",
        u=alice,
    )
    assert [(t["session"], t["id"]) for t in turns] == [
        ("chat-1", "m1"),
        ("chat-1", "m2"),
        ("chat-1", "m3"),
        ("chat-1", "m4"),
        ("chat-2", "m1"),
        ("chat-2", "m2"),
    ]
    assert turns[0]["text"] == "I live in Paris and I work as a nurse."
    assert turns[3]["attachments"] == ["[image caption: a photo of a calendar on a desk]"]
    nexts = rows(graph, "MATCH (:Turn {user_id: $u})-[r:NEXT]->() RETURN count(r) AS n", u=alice)
    assert nexts[0]["n"] == 4  # 3 within chat-1, 1 within chat-2, none across sessions


def test_entities_are_resolved_once_each(graph: Graph, alice: str) -> None:
    names = rows(
        graph, "MATCH (e:Entity {user_id: $u}) RETURN e.key AS key, e.kind AS kind", u=alice
    )
    keys = [r["key"] for r in names]
    assert len(keys) == len(set(keys)), "an entity was created twice"
    assert {"alice", "bob", "paris", "berlin", "emma", "coffee"} <= set(keys)
    kinds = {r["key"]: r["kind"] for r in names}
    assert (kinds["alice"], kinds["paris"], kinds["emma"]) == ("person", "place", "person")
    # "I" in Alice's turns resolves to Alice: her turns mention her entity
    mentions = rows(
        graph,
        "MATCH (t:Turn {user_id: $u, speaker: 'Alice'})-[:MENTIONS]->(e:Entity {key: 'alice'}) "
        "RETURN count(t) AS n",
        u=alice,
    )
    assert mentions[0]["n"] >= 3


def test_event_time_is_resolved_against_the_message(graph: Graph, alice: str) -> None:
    events = rows(
        graph,
        "MATCH (ev:Event {user_id: $u})-[:INVOLVES]->(e:Entity) "
        "RETURN ev.what AS what, ev.when AS when, ev.when_text AS said, "
        "collect(e.key) AS who",
        u=alice,
    )
    hike = next(e for e in events if "hiking" in e["what"])
    assert hike["when"].to_native() == datetime(2024, 2, 24, tzinfo=UTC)  # "Last Saturday"
    assert hike["said"] == "Last Saturday"
    assert set(hike["who"]) == {"alice", "emma"}


def test_persona_facts_close_instead_of_delete(graph: Graph, alice: str) -> None:
    facts = rows(
        graph,
        "MATCH (f:Fact {user_id: $u, subject_key: 'alice'})-[:EVIDENCED_BY]->(t:Turn) "
        "RETURN f.predicate AS p, f.object AS o, f.polarity AS pol, "
        "f.valid_from AS since, f.valid_to AS until, t.source_id AS turn",
        u=alice,
    )
    got = {
        (f["p"], f["o"], f["pol"]): (
            f["since"].to_native(),
            f["until"].to_native() if f["until"] else None,
        )
        for f in facts
    }
    assert got[("lives_in", "paris", True)] == (
        dt("2024-03-02T10:00:00Z"),
        dt("2024-06-01T09:00:00Z"),  # replaced by Berlin
    )
    assert got[("lives_in", "berlin", True)] == (dt("2024-06-01T09:00:00Z"), None)
    assert got[("works_as", "nurse", True)] == (dt("2024-03-02T10:00:00Z"), None)
    assert got[("likes", "coffee", True)] == (
        dt("2024-03-02T10:02:00Z"),
        dt("2024-06-01T09:01:00Z"),
    )
    assert got[("likes", "coffee", False)] == (dt("2024-06-01T09:01:00Z"), None)
    assert ("relationship", "sister:emma", True) in got
    # Bob only asked "Do you like coffee?": no fact about Bob
    assert not rows(graph, "MATCH (f:Fact {user_id: $u, subject_key: 'bob'}) RETURN f", u=alice)


def test_persona_insights_follow_the_evidence(graph: Graph, alice: str) -> None:
    insights = rows(
        graph,
        "MATCH (i:Insight {user_id: $u, kind: 'persona'}) "
        "RETURN i.text AS text, i.support AS support, i.retired AS retired",
        u=alice,
    )
    by_text = {i["text"]: i for i in insights}
    assert by_text["Alice lives in berlin"]["retired"] is False
    assert by_text["Alice lives in paris"]["retired"] is True  # kept as history
    coffee = [i for t, i in by_text.items() if "coffee" in t]
    assert len(coffee) == 1 and "doesn't" in next(t for t in by_text if "coffee" in t)


def test_questions_and_requests_become_queries(graph: Graph, alice: str) -> None:
    queries = rows(
        graph,
        "MATCH (q:Query {user_id: $u})-[:ASKED_IN]->(t:Turn) "
        "RETURN q.text AS text, q.kind AS kind, t.source_id AS turn ORDER BY turn",
        u=alice,
    )
    assert [(q["kind"], q["turn"]) for q in queries] == [("question", "m2"), ("request", "m4")]


def test_ingesting_twice_changes_nothing(graph: Graph, alice: str) -> None:
    before = counts(graph, alice)
    pipeline(graph).ingest(load(alice))
    assert counts(graph, alice) == before


def test_the_driver_debug_log_names_batches_without_their_contents(
    graph: Graph, user_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver formats every statement's parameters for its debug log, enabled or not. A
    batch must show up there by size: not the user's words, not thousands of embeddings."""
    interactions = load(user_id)
    said = interactions[0].messages[0].text
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        summary = pipeline(graph).ingest(interactions)
    runs = [r.getMessage() for r in caplog.records if "C: RUN" in r.getMessage()]
    assert any("MERGE (t:Turn:Unit" in m for m in runs)  # the log is on and saw the writes
    assert not any(said in m for m in runs)
    assert max(len(m) for m in runs) < 20_000
    assert counts(graph, user_id)[0] > summary.turns  # and the batch still landed


def test_a_failing_batch_writes_nothing(graph: Graph, user_id: str, monkeypatch: Any) -> None:
    """The last statement of a batch fails inside Neo4j: the whole batch rolls back."""
    real_steps = Batch.steps

    def steps_then_fail(self: Batch) -> list[tuple[str, dict[str, Any]]]:
        return [*real_steps(self), ("query/turns_by_id", {})]  # missing parameters → error

    monkeypatch.setattr(Batch, "steps", steps_then_fail)
    with pytest.raises(CypherError):
        pipeline(graph).ingest(load(user_id))
    assert counts(graph, user_id) == (0, 0)


def test_a_corrupted_file_is_rejected_whole(tmp_path: Path, graph: Graph, user_id: str) -> None:
    lines = DATA.read_text().splitlines()
    bad = json.loads(lines[1])
    bad["messages"][1]["timestamp"] = "not a time"
    path = tmp_path / "bad.jsonl"
    path.write_text(lines[0] + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(ValidationError) as err:
        read_file(path, "native", user=user_id)
    assert "line 2" in str(err.value) and "messages.1.timestamp" in str(err.value)

    done = subprocess.run(
        [sys.executable, "-m", "strata.api.cli", "ingest", str(path), "--user", user_id],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    assert done.returncode != 0
    assert "line 2" in done.stderr
    assert counts(graph, f"default:{user_id}") == (0, 0)
    assert counts(graph, user_id) == (0, 0)


def _move(city: str, when: str) -> InteractionIn:
    return InteractionIn.model_validate(
        {
            "id": f"move-{city}",
            "user_id": "x",
            "messages": [{"speaker": "Ana", "text": f"I live in {city} now.", "timestamp": when}],
        }
    )


MOVES = {"paris": "2024-03-01T10:00:00Z", "rome": "2024-09-01T10:00:00Z",
         "berlin": "2024-06-01T10:00:00Z"}  # fmt: skip


def _chain(graph: Graph, owner: str) -> tuple[set[tuple[str, str]], dict[str, Any]]:
    edges = rows(
        graph,
        "MATCH (a:Fact {user_id: $u})-[:SUPERSEDED_BY]->(b:Fact) "
        "RETURN a.object AS a, b.object AS b",
        u=owner,
    )
    until = rows(
        graph,
        "MATCH (f:Fact {user_id: $u, predicate: 'lives_in'}) "
        "RETURN f.object AS o, f.valid_to AS until, f.superseded_by IS NULL AS open",
        u=owner,
    )
    return {(e["a"], e["b"]) for e in edges}, {
        f["o"]: (f["until"].to_native() if f["until"] else None, f["open"]) for f in until
    }


@pytest.mark.parametrize("order", [["paris", "rome", "berlin"], ["rome", "berlin", "paris"]])
def test_supersession_follows_validity_whatever_the_arrival_order(
    graph: Graph, user_id: str, order: list[str]
) -> None:
    """Paris (March), Rome (September), then Berlin (June) last: the chain is still
    Paris → Berlin → Rome, with no edge left from an earlier arrival order."""
    owner = f"default:{user_id}"
    for city in order:
        move = _move(city, MOVES[city]).model_copy(update={"user_id": owner})
        pipeline(graph).ingest([move])
    edges, facts = _chain(graph, owner)
    assert edges == {("paris", "berlin"), ("berlin", "rome")}
    assert facts == {
        "paris": (dt(MOVES["berlin"]), False),
        "berlin": (dt(MOVES["rome"]), False),
        "rome": (None, True),
    }


def test_an_edited_message_replaces_what_its_old_text_derived(graph: Graph, user_id: str) -> None:
    """The March message re-sent with the same id and new text: the fact of the old text goes,
    the new one takes its place in the chain, and nothing evidences a turn that no longer says
    it."""
    owner = f"default:{user_id}"
    for city in ["paris", "berlin", "rome"]:
        pipeline(graph).ingest([_move(city, MOVES[city]).model_copy(update={"user_id": owner})])
    edited = _move("paris", MOVES["paris"]).model_copy(update={"user_id": owner})
    edited.messages[0].text = "I live in Madrid now."
    pipeline(graph).ingest([edited])
    edges, facts = _chain(graph, owner)
    assert set(facts) == {"madrid", "berlin", "rome"}
    assert edges == {("madrid", "berlin"), ("berlin", "rome")}
    mentions = rows(
        graph,
        "MATCH (t:Turn {user_id: $u})-[:MENTIONS]->(e:Entity) WHERE t.raw_text CONTAINS 'Madrid' "
        "RETURN collect(e.name) AS names",
        u=owner,
    )
    assert "Paris" not in mentions[0]["names"]

    # edited away from any fact: the chain closes up around the deleted one
    gone = _move("berlin", MOVES["berlin"]).model_copy(update={"user_id": owner})
    gone.messages[0].text = "The weather was lovely."
    pipeline(graph).ingest([gone])
    edges, facts = _chain(graph, owner)
    assert edges == {("madrid", "rome")}
    assert facts["madrid"] == (dt(MOVES["rome"]), False) and facts["rome"] == (None, True)
