"""Multi-granularity memory on the real graph: associations, scenes, insight traversal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests_support import LOCOMO, derived_memory

from strata.api.runtime import pipeline
from strata.graph.db import Graph
from strata.ingest.models import InteractionIn
from strata.ingest.sources import read_file

DATA = Path(__file__).resolve().parents[1] / "data" / "conversation.jsonl"


def one(graph: Graph, query: str, **params: Any) -> Any:
    return graph.run_raw(query, **params)[0]["n"]


@pytest.fixture(scope="module")
def locomo_user(graph: Graph) -> str:
    """One LoCoMo conversation (19 sessions, ~400 turns) ingested once for this module."""
    import uuid

    user = f"mem-{uuid.uuid4().hex[:8]}"
    sample = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"]
    pipeline(graph).ingest([it.model_copy(update={"user_id": user}) for it in sample])
    return user


def test_gmm_links_units_and_survives_reingest(graph: Graph, locomo_user: str) -> None:
    q = "MATCH (a:Unit {user_id: $u})-[r:ASSOCIATED]-(b:Unit) RETURN count(DISTINCT r) AS n"
    links = one(graph, q, u=locomo_user)
    assert links > 0
    cross = one(
        graph,
        "MATCH (a:Unit {user_id: $u})-[:ASSOCIATED]-(b:Unit) WHERE b.user_id <> $u "
        "RETURN count(*) AS n",
        u=locomo_user,
    )
    assert cross == 0, "an association crossed users"
    sample = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"]
    pipeline(graph).ingest([it.model_copy(update={"user_id": locomo_user}) for it in sample])
    assert one(graph, q, u=locomo_user) == links


def test_scenes_group_units_across_granularities(graph: Graph, locomo_user: str) -> None:
    scenes = graph.run_raw(
        "MATCH (s:Scene {user_id: $u, retired: false})-[:HAS_MEMBER]->(m) "
        "RETURN s.id AS id, s.text AS text, collect(DISTINCT labels(m)) AS kinds, "
        "count(m) AS size",
        u=locomo_user,
    )
    assert len(scenes) >= 2
    assert sum(s["size"] for s in scenes) > 100
    kinds = {label for s in scenes for ls in s["kinds"] for label in ls if label != "Unit"}
    assert {"Segment", "Interaction"} <= kinds
    insights = one(
        graph,
        "MATCH (:Scene {user_id: $u})-[:HAS_INSIGHT]->(i:Insight {kind: 'scene'}) "
        "RETURN count(i) AS n",
        u=locomo_user,
    )
    assert insights == len(scenes)


def test_up_and_down_the_insight_tier(graph: Graph, user_id: str) -> None:
    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": user_id}) for it in read_file(DATA, "native")]
    )
    berlin = graph.run_raw(
        "MATCH (i:Insight {user_id: $u, kind: 'persona'}) WHERE i.text CONTAINS 'berlin' "
        "RETURN i.id AS id",
        u=user_id,
    )[0]["id"]
    down = graph.read("memory/evidence_for_insight", user_id=user_id, insight_id=berlin, limit=10)
    assert [(r["source_id"], r["agrees"]) for r in down] == [("m1", True)]
    assert "Berlin" in down[0]["text"]
    up = graph.read("memory/insights_for_turn", user_id=user_id, turn_id=down[0]["turn_id"])
    assert berlin in {r["id"] for r in up}
    # another user cannot walk into it
    assert (
        graph.read(
            "memory/evidence_for_insight", user_id="someone-else", insight_id=berlin, limit=10
        )
        == []
    )


def _ask(user: str, day: int, *questions: str) -> InteractionIn:
    return InteractionIn.model_validate(
        {
            "id": f"ask-{day}",
            "user_id": user,
            "started_at": f"2024-03-{day:02d}T10:00:00Z",
            "messages": [{"speaker": "Ana", "text": q} for q in questions],
        }
    )


def test_similar_questions_link_to_earlier_ones_of_the_same_user_only(graph: Graph) -> None:
    import uuid

    ana, bo = (f"ask-{who}-{uuid.uuid4().hex[:6]}" for who in ("ana", "bo"))
    same = "Which hiking trail near Denver should we try this summer?"
    pipeline(graph).ingest([_ask(bo, 1, same)])
    pipeline(graph).ingest(
        [
            _ask(ana, 2, same, "Did the bakery on Main Street reopen?"),
            _ask(ana, 9, "Which hiking trail near Denver should we try next summer?"),
        ]
    )
    links = graph.run_raw(
        "MATCH (a:Query)-[l:SIMILAR_TO]->(b:Query) WHERE a.user_id IN [$ana, $bo] "
        "RETURN a.user_id AS owner, a.text AS a, b.text AS b, b.user_id AS b_owner, "
        "l.score AS score",
        ana=ana,
        bo=bo,
    )
    assert [(r["owner"], r["a"], r["b"]) for r in links] == [
        (ana, "Which hiking trail near Denver should we try next summer?", same)
    ]
    assert links[0]["b_owner"] == ana and links[0]["score"] >= 0.7


def test_reingest_adds_no_links_after_other_users_grew_the_index(graph: Graph) -> None:
    """Links are exact per user: another user's identical conversation changes none of them,
    and a re-ingest of the same sessions adds none."""
    import uuid

    tag = uuid.uuid4().hex[:6]
    conversation = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-30"]
    first, twin = (
        [it.model_copy(update={"user_id": f"{who}-{tag}"}) for it in conversation]
        for who in ("first", "twin")
    )
    by_type = "MATCH (a {user_id: $u})-[r]->() RETURN type(r) AS t, count(r) AS n ORDER BY t"
    nodes = "MATCH (n {user_id: $u}) RETURN count(n) AS n"
    u = f"first-{tag}"
    pipeline(graph).ingest(first)
    before = graph.run_raw(by_type, u=u), one(graph, nodes, u=u)
    assert {"ASSOCIATED", "SIMILAR_TO"} <= {r["t"] for r in before[0]}
    pipeline(graph).ingest(twin)
    pipeline(graph).ingest(first)
    assert (graph.run_raw(by_type, u=u), one(graph, nodes, u=u)) == before


def test_derived_memory_is_the_same_however_the_memory_arrived(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Associations, similar questions, scenes and persona traits are a function of the ground
    truth: one clean ingest; the same sessions shuffled over three calls in batches of a session;
    a crash that left the first sessions committed but nothing derived, then a re-ingest; and a
    rebuild of the clean user all end with the same derived memory."""
    import random
    import uuid

    from typer.testing import CliRunner

    from strata.api.cli import app
    from strata.api.runtime import embedder, extractor
    from strata.ingest.pipeline import Pipeline

    tenant = f"dt{uuid.uuid4().hex[:6]}"
    sessions = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"][:8]

    def owned(who: str) -> list[InteractionIn]:
        return [it.model_copy(update={"user_id": f"{tenant}:{who}"}) for it in sessions]

    pipeline(graph).ingest(owned("clean"))
    clean = derived_memory(graph, f"{tenant}:clean")
    assert {"ASSOCIATED", "SIMILAR_TO", "HAS_MEMBER"} <= {k for k, _ in clean["counts"]}

    shuffled = owned("shuffled")
    random.Random(7).shuffle(shuffled)
    with monkeypatch.context() as m:
        m.setattr("strata.ingest.pipeline.BATCH_TURNS", 20)
        for part in (shuffled[:3], shuffled[3:5], shuffled[5:]):
            pipeline(graph).ingest(part)
    assert derived_memory(graph, f"{tenant}:shuffled") == clean

    crashed = owned("crashed")
    Pipeline(graph, embedder(), extractor(), None).ingest(crashed[:4])  # truth only
    pipeline(graph).ingest(crashed)
    assert derived_memory(graph, f"{tenant}:crashed") == clean

    one_user = CliRunner().invoke(app, ["rebuild", "--tenant", tenant, "--user", "clean"])
    assert one_user.exit_code == 0, one_user.output
    assert derived_memory(graph, f"{tenant}:clean") == clean
    everyone = CliRunner().invoke(app, ["rebuild", "--tenant", tenant])
    assert everyone.exit_code == 0 and '"users": 3' in everyone.output
    assert all(derived_memory(graph, f"{tenant}:{who}") == clean for who in ("clean", "crashed"))
    nobody = CliRunner().invoke(app, ["rebuild", "--tenant", tenant, "--user", "nobody"])
    assert nobody.exit_code == 1 and "has no memory" in nobody.output


def test_one_ingest_of_two_users_keeps_persona_and_scenes_apart(graph: Graph) -> None:
    """Persona traits and scene refits are read and written for all of a batch's users at once;
    each user's insights and scenes still rest on that user's units only."""
    import uuid

    from strata.ingest.memory import Maintainer

    tag = uuid.uuid4().hex[:6]
    ana, bo = f"pair-ana-{tag}", f"pair-bo-{tag}"
    sessions = read_file(DATA, "native")
    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": who}) for who in (ana, bo) for it in sessions]
    )
    from strata.api.runtime import embedder

    assert Maintainer(graph, embedder()).refresh_scenes([ana, bo], force=True) == {ana, bo}
    crossing = (
        graph.run_raw(
            "MATCH (x {user_id: $u})-[:SUPPORTED_BY|CONTRADICTED_BY|HAS_MEMBER|HAS_INSIGHT]->(y) "
            "WHERE y.user_id <> $u RETURN count(*) AS n",
            u=ana,
        )[0]["n"]
        + graph.run_raw(
            "MATCH (x {user_id: $u})-[:SUPPORTED_BY|CONTRADICTED_BY|HAS_MEMBER|HAS_INSIGHT]->(y) "
            "WHERE y.user_id <> $u RETURN count(*) AS n",
            u=bo,
        )[0]["n"]
    )
    assert crossing == 0
    per_user = "MATCH (i:Insight {user_id: $u, kind: $k}) RETURN count(i) AS n"
    for who in (ana, bo):
        assert one(graph, per_user, u=who, k="persona") > 0
        assert one(graph, per_user, u=who, k="scene") > 0
    assert one(graph, per_user, u=ana, k="persona") == one(graph, per_user, u=bo, k="persona")


def test_an_edit_or_a_delete_leaves_what_a_clean_ingest_of_the_result_gives(graph: Graph) -> None:
    """Editing a message (same ids, new text), deleting an interaction or deleting one message
    changes units other units were linked by; the derived memory ends as a clean ingest of the
    result would."""
    import uuid

    from strata.api.http.erase import delete_interaction, delete_message

    tenant = f"de{uuid.uuid4().hex[:6]}"
    sessions = [it for it in read_file(LOCOMO, "locomo") if it.user_id == "conv-26"][:6]

    def owned(who: str, its: list[InteractionIn]) -> list[InteractionIn]:
        return [it.model_copy(update={"user_id": f"{tenant}:{who}"}) for it in its]

    edited = [it.model_copy(deep=True) for it in sessions]
    first = edited[2].messages[0]
    edited[2].messages[0] = first.model_copy(update={"text": "I adopted a grey cat named Pixel."})
    pipeline(graph).ingest(owned("edit", sessions))
    pipeline(graph).ingest(owned("edit", edited[2:3]))
    pipeline(graph).ingest(owned("clean-edit", edited))
    after_edit = derived_memory(graph, f"{tenant}:edit")
    assert after_edit == derived_memory(graph, f"{tenant}:clean-edit")

    pipeline(graph).ingest(owned("delete", sessions))
    delete_interaction(graph, f"{tenant}:delete", sessions[1].id or "")
    pipeline(graph).ingest(owned("clean-delete", sessions[:1] + sessions[2:]))
    assert derived_memory(graph, f"{tenant}:delete") == derived_memory(
        graph, f"{tenant}:clean-delete"
    )

    pipeline(graph).ingest(owned("message", sessions))
    gone = sessions[3].messages[2]
    delete_message(graph, f"{tenant}:message", "message", sessions[3].id or "", gone.id or "")
    without = [it.model_copy(deep=True) for it in sessions]
    without[3].messages.pop(2)
    pipeline(graph).ingest(owned("clean-message", without))
    assert derived_memory(graph, f"{tenant}:message") == derived_memory(
        graph, f"{tenant}:clean-message"
    )


def test_a_forget_during_an_enrichment_round_leaves_nothing_of_the_user(
    graph: Graph, user_id: str
) -> None:
    """A round that read the user's memory before a forget writes its scenes before the forget
    deletes, never after: the forgotten user has no scene, scene model or trait left."""
    import threading

    from strata.api.http.erase import forget
    from strata.api.runtime import embedder
    from strata.graph.store import enrichment_lease, locked
    from strata.ingest.memory import Maintainer

    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": user_id}) for it in read_file(DATA, "native")]
    )
    with enrichment_lease(graph, [user_id]):  # a round in flight: it has read, not written
        writes: list[tuple[str, dict[str, Any]]] = []
        Maintainer(graph, embedder()).refresh_scenes([user_id], force=True, writes=writes)
        forgetting = threading.Thread(target=forget, args=(graph, user_id))
        forgetting.start()
        forgetting.join(timeout=2)  # room for a forget that does not wait to run first
        locked(graph, [user_id], writes)
    forgetting.join()
    assert one(graph, "MATCH (n {user_id: $u}) RETURN count(n) AS n", u=user_id) == 0


def test_links_written_while_an_edit_deletes_a_unit_they_name_skip_it(
    graph: Graph, user_id: str
) -> None:
    """Enrichment writes links without the writer lock. A unit the round links that an edit
    or a delete removes while the round writes does not fail the round: it writes again after
    that writer and links everything but the unit that went."""
    import threading

    from strata.api.runtime import embedder
    from strata.graph.store import write_derived
    from strata.ingest.memory import Maintainer

    pipeline(graph).ingest(
        [it.model_copy(update={"user_id": user_id}) for it in read_file(DATA, "native")]
    )
    graph.run_raw(  # the last segments arrive late: not linked yet
        "MATCH (s:Segment {user_id: $u}) WITH max(s.time) AS t "
        "MATCH (u:Segment {user_id: $u, time: t}) SET u.associated_at = null "
        "WITH u OPTIONAL MATCH (u)-[l:ASSOCIATED]-() DELETE l",
        u=user_id,
    )
    writes: list[tuple[str, dict[str, Any]]] = []
    Maintainer(graph, embedder()).relink(user_id, writes=writes)  # the round has read
    (step,) = [p for name, p in writes if name == "memory/replace_associations"]
    gone = step["rows"][0]["b"]  # an earlier segment the late one links to
    kept = "MATCH (a:Unit {user_id: $u})-[r:ASSOCIATED]-(b) WHERE NOT $g IN [a.id, b.id] "
    links = one(graph, kept + "RETURN count(DISTINCT r) AS n", u=user_id, g=gone)
    links += len({frozenset((r["a"], r["b"])) for r in step["rows"] if gone not in r.values()})
    errors: list[Exception] = []

    def round_writes() -> None:
        try:
            write_derived(graph, [user_id], writes)
        except Exception as e:  # the test's verdict, below
            errors.append(e)

    with graph.driver.session(database=graph.database) as s, s.begin_transaction() as edit:
        edit.run("MATCH (l:WriterLock {user_id: $u}) SET l.locked = true", u=user_id).consume()
        edit.run("MATCH (n:Unit {id: $id}) DETACH DELETE n", id=gone).consume()
        writing = threading.Thread(target=round_writes)
        writing.start()
        writing.join(timeout=2)  # room for the round's writes to meet the uncommitted delete
        edit.commit()
    writing.join()
    assert errors == []
    q = "MATCH (a:Unit {user_id: $u})-[r:ASSOCIATED]->() RETURN count(r) AS n"
    assert one(graph, q, u=user_id) == links  # every link the round chose but those to gone
