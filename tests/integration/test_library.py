"""``from strata import Memory``: in process, over a caller's driver, and over HTTP, with the
same methods and answers; errors from the one tree."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import neo4j
import pytest
from tests_support import running

from strata import AsyncMemory, Memory
from strata.api.http.app import create_app
from strata.graph.db import Graph
from strata.graph.errors import NotFound, Unauthorized, ValidationError

KEY_A, KEY_B = "library-key-a-0123456789", "library-key-b-0123456789"
MOVES = [
    {"speaker": "Alice", "text": "I live in Paris now.", "timestamp": "2024-03-01T10:00:00Z"},
    {"speaker": "Bob", "text": "Nice, how is the food?", "timestamp": "2024-03-01T10:01:00Z"},
    {"speaker": "Alice", "text": "I moved to Berlin.", "timestamp": "2024-09-01T10:00:00Z"},
]


@pytest.fixture(scope="module")
def server(graph: Graph) -> Iterator[str]:
    with running(create_app(api_keys={KEY_A: "liba", KEY_B: "libb"})) as url:
        yield url


def _user() -> str:
    return f"lib-{uuid.uuid4().hex[:10]}"


def test_in_process_add_search_persona_export_forget(graph: Graph) -> None:
    user = _user()
    with Memory() as memory:
        written = memory.add(user, MOVES, interaction_id="s1")
        assert (written.interactions, written.turns) == (1, 3)
        assert memory.add(user, MOVES, interaction_id="s1").turns == 3  # idempotent
        found = memory.search(user, "Where does Alice live?", k=3)
        assert "Berlin" in " ".join(item.text for item in found.items)
        assert {item.via for item in found.items} == {"library"}  # how it came in
        facts = [f for s in memory.persona(user).subjects for p in s.predicates for f in p.facts]
        assert {f.object for f in facts} >= {"paris", "berlin"}
        [line] = memory.export(user)
        assert [m["text"] for m in line["messages"]] == [m["text"] for m in MOVES]
        assert memory.forget(user).nodes > 0
        assert memory.search(user, "Where does Alice live?").items == []


def test_a_callers_driver_is_used_and_left_open(graph: Graph) -> None:
    user = _user()
    driver = neo4j.GraphDatabase.driver(graph.settings.bolt_uri, auth=graph.settings.auth)
    with Memory(driver=driver) as memory:
        memory.add(user, MOVES[:1])
        assert memory.search(user, "Paris").items
    driver.verify_connectivity()  # still open
    driver.close()
    Memory().forget(user)


def test_over_http_same_answers_and_tenants_apart(server: str) -> None:
    user = _user()
    with Memory(base_url=server, api_key=KEY_A) as a, Memory(base_url=server, api_key=KEY_B) as b:
        assert a.add(user, MOVES, interaction_id="s1").turns == 3
        assert "Berlin" in " ".join(i.text for i in a.search(user, "Where does Alice live?").items)
        assert b.search(user, "Where does Alice live?").items == []  # another tenant
        assert len(a.export(user)) == 1
        a.forget(user)
    with pytest.raises(Unauthorized), Memory(base_url=server, api_key="wrong-key-0123456789") as m:
        m.search(user, "x")


def test_bad_input_is_a_validation_error_in_both_modes(server: str) -> None:
    with Memory() as local, Memory(base_url=server, api_key=KEY_A) as remote:
        for memory in (local, remote):
            with pytest.raises(ValidationError):
                memory.add("bad:user", MOVES)
            with pytest.raises(ValidationError):
                memory.add(_user(), [{"speaker": "Alice"}])  # no text
            with pytest.raises(ValidationError):
                memory.search(_user(), "   ")


def test_async_memory_awaits_the_same_methods(graph: Graph) -> None:
    user = _user()

    async def main() -> int:
        async with AsyncMemory() as memory:
            await memory.add(user, MOVES)
            found = await memory.search(user, "Where does Alice live?", k=3)
            await memory.forget(user)
            return len(found.items)

    assert asyncio.run(main()) > 0


def _open_cities(memory: Memory, user: str) -> dict[str, bool]:
    facts = [f for s in memory.persona(user).subjects for p in s.predicates for f in p.facts]
    return {str(f.object): f.valid_to is None for f in facts if f.object}


@pytest.mark.parametrize("mode", ["local", "http"])
def test_deleting_one_interaction_takes_what_only_it_said(server: str, mode: str) -> None:
    user = _user()
    memory = Memory() if mode == "local" else Memory(base_url=server, api_key=KEY_A)
    with memory:
        memory.add(user, MOVES[:1], interaction_id="march", wait=True)
        memory.add(user, MOVES[2:], interaction_id="september", wait=True)
        assert _open_cities(memory, user) == {"paris": False, "berlin": True}
        done = memory.delete_interaction(user, "september")
        assert done.turns == 1
        assert _open_cities(memory, user) == {"paris": True}  # the chain closed up
        assert [line["id"] for line in memory.export(user)] == ["march"]
        assert "Berlin" not in " ".join(i.text for i in memory.search(user, "Berlin").items)
        with pytest.raises(NotFound):
            memory.delete_interaction(user, "september")
        memory.forget(user)


@pytest.mark.parametrize("mode", ["local", "http"])
def test_deleting_one_message_is_as_if_it_was_never_sent(server: str, mode: str) -> None:
    user = _user()
    memory = Memory() if mode == "local" else Memory(base_url=server, api_key=KEY_A)
    with memory:
        memory.add(
            user, [{**m, "id": f"m{n}"} for n, m in enumerate(MOVES)], interaction_id="s", wait=True
        )
        assert _open_cities(memory, user) == {"paris": False, "berlin": True}
        done = memory.delete_message(user, "s", "m2")  # "I moved to Berlin."
        assert done.messages_left == 2
        assert _open_cities(memory, user) == {"paris": True}  # Paris holds again
        [line] = memory.export(user)
        assert [m["id"] for m in line["messages"]] == ["m0", "m1"]
        assert "Berlin" not in " ".join(i.text for i in memory.search(user, "Berlin").items)
        with pytest.raises(NotFound):
            memory.delete_message(user, "s", "m2")
        with pytest.raises(NotFound):
            memory.delete_message(user, "nope", "m0")
        memory.delete_message(user, "s", "m0")
        assert memory.delete_message(user, "s", "m1").messages_left == 0
        assert memory.export(user) == []
        memory.forget(user)


def test_the_cli_deletes_an_interaction_or_forgets_a_user(graph: Graph) -> None:
    from typer.testing import CliRunner

    from strata.api.cli import app

    user = _user()
    Memory().add(user, MOVES, interaction_id="s1")
    one = CliRunner().invoke(app, ["forget", "--user", user, "--interaction", "s1"])
    assert one.exit_code == 0 and json.loads(one.output)["turns"] == 3
    missing = CliRunner().invoke(app, ["forget", "--user", user, "--interaction", "s1"])
    assert missing.exit_code == 1 and "no interaction 's1'" in missing.output
    Memory().add(user, MOVES, interaction_id="s2")
    message = CliRunner().invoke(
        app, ["forget", "--user", user, "--interaction", "s2", "--message", "0"]
    )
    assert message.exit_code == 0 and json.loads(message.output)["messages_left"] == 2
    everything = CliRunner().invoke(app, ["forget", "--user", user])
    assert everything.exit_code == 0 and json.loads(everything.output)["nodes"] >= 0


RUN = [
    {"role": "user", "content": "Cancel order 7"},
    {
        "role": "assistant",
        "tool_calls": [{"id": "a", "function": {"name": "cancel_order", "arguments": '{"id": 7}'}}],
    },
    {"role": "tool", "tool_call_id": "a", "content": '{"status": "cancelled"}'},
]


@pytest.mark.parametrize("mode", ["local", "http"])
def test_agent_runs_are_recorded_and_their_outcome_reported_later(server: str, mode: str) -> None:
    agent = _user()
    memory = Memory() if mode == "local" else Memory(base_url=server, api_key=KEY_A)
    with memory:
        recorded = memory.record_run(agent, "Cancel order 7", RUN, run_id="r1")
        assert (recorded.runs, recorded.key_steps) == (1, 1)  # cancel_order changes state
        assert memory.record_run(agent, "Cancel order 7", RUN, run_id="r1").runs == 1
        reported = memory.report_outcome(agent, "r1", success=True, reward=1.0)
        assert reported.success is True and reported.reward == 1.0
        recalled = memory.recall_for_task(agent, "Please cancel my order 7", k=3)
        assert [run["source_id"] for run in recalled.runs] == ["r1"]
        assert [a.name for a in recalled.actions] == ["cancel_order"]
        with pytest.raises(NotFound):
            memory.report_outcome(agent, "no-such-run", success=False)
        with pytest.raises(ValidationError):  # a tool result answering no call
            memory.record_run(agent, "x", [{"role": "tool", "tool_call_id": "z", "content": "1"}])
        memory.forget(agent)


@pytest.mark.parametrize("mode", ["local", "http"])
def test_a_runs_outcome_moves_the_lessons_it_was_given(server: str, mode: str) -> None:
    agent = _user()
    memory = Memory() if mode == "local" else Memory(base_url=server, api_key=KEY_A)
    with memory:
        memory.record_run(agent, "Cancel order 7", RUN, run_id="good", outcome={"success": True})
        memory.record_run(
            agent, "Cancel order 7", RUN[:1], run_id="bad", outcome={"success": False}
        )
        [lesson] = [x for x in memory.recall_for_task(agent, "cancel order 7").lessons]
        before = lesson["score"]
        memory.record_run(agent, "Cancel order 9", RUN, run_id="next", used_lessons=[lesson["id"]])
        memory.report_outcome(agent, "next", success=True)
        after = next(
            x for x in memory.recall_for_task(agent, "cancel order 7").lessons
            if x["id"] == lesson["id"]
        )  # fmt: skip
        assert after["score"] > before
        memory.forget(agent)
