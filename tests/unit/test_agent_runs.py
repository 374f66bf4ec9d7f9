"""Agent runs: validation of OpenAI-format messages, the tau-bench loader, key-step marking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from strata.graph.errors import ValidationError
from strata.ingest.agent_lessons import lessons_for_task
from strata.ingest.agent_sources import read_runs, validate_run
from strata.ingest.agent_steps import is_error_result, is_state_changing, run_rows

TAU = Path(__file__).resolve().parents[3] / "shared" / "data" / "tau-bench" / "airline_dev.json"


def _call(cid: str, name: str, args: dict[str, object]) -> dict[str, object]:
    return {
        "id": cid,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(args)},
    }


def _run(messages: list[dict[str, object]]) -> dict[str, object]:
    return {"id": "r1", "user_id": "agent", "task": "cancel my order", "messages": messages}


RETRY = [
    {"role": "user", "content": "cancel order 7"},
    {"role": "assistant", "content": None, "tool_calls": [_call("a", "get_order", {"id": 7})]},
    {"role": "tool", "tool_call_id": "a", "content": '{"status": "open"}'},
    {"role": "assistant", "tool_calls": [_call("b", "cancel_order", {"id": "7"})]},
    {"role": "tool", "tool_call_id": "b", "content": "Error: id must be an integer"},
    {"role": "assistant", "name": "fixer", "tool_calls": [_call("c", "cancel_order", {"id": 7})]},
    {"role": "tool", "tool_call_id": "c", "content": '{"status": "cancelled"}'},
]


def test_failed_call_and_its_fix_are_key_steps() -> None:
    rows = run_rows(validate_run(_run(RETRY), "t"))
    calls = [s for s in rows.steps if s["kind"] == "call"]
    assert [(s["tool"], s["failed"], s["key"]) for s in calls] == [
        ("get_order", False, False),
        ("cancel_order", True, True),
        ("cancel_order", False, True),
    ]
    assert rows.fixes == [{"failed": calls[1]["id"], "fix": calls[2]["id"]}]
    assert calls[2]["agent"] == "fixer"
    assert json.loads(calls[2]["arguments"]) == {"id": 7}


def test_state_changing_is_read_from_the_tool_name_verb() -> None:
    assert not is_state_changing("get_user_details")
    assert not is_state_changing("searchFlights")
    assert is_state_changing("book_reservation")
    assert is_state_changing("updateReservationFlights")
    assert is_error_result('{"error": "not found"}')
    assert not is_error_result('{"error": null, "ok": 1}')


@pytest.mark.parametrize(
    ("messages", "needle"),
    [
        ([{"role": "tool", "tool_call_id": "zz", "content": "x"}], "answers no call"),
        (
            [
                {
                    "role": "assistant",
                    "tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{"}}],
                }
            ],
            "not JSON",
        ),
        ([{"role": "robot", "content": "hi"}], "role"),
        ([{"role": "user", "content": " "}], "empty user"),
    ],
)
def test_bad_runs_are_rejected_with_the_field(
    messages: list[dict[str, object]], needle: str
) -> None:
    with pytest.raises(ValidationError, match=needle):
        validate_run(_run(messages), "t")


def test_tau_bench_loader_takes_the_first_user_message_and_trial_id() -> None:
    runs = read_runs(TAU, "tau-bench", user="airline")
    raw = json.loads(TAU.read_text())
    assert len(runs) == len(raw)
    first = next(m["content"] for m in raw[0]["traj"] if m["role"] == "user")
    assert runs[0].task == first
    assert runs[0].id == f"{raw[0]['task_id']}:{raw[0]['trial']}"
    assert runs[0].outcome is not None and runs[0].outcome.succeeded is (raw[0]["reward"] > 0.5)


def test_a_bad_item_rejects_the_whole_file(tmp_path: Path) -> None:
    raw = json.loads(TAU.read_text())[:3]
    raw[2]["traj"] = [{"role": "assistant", "content": "no user here"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(ValidationError, match="item 2"):
        read_runs(bad, "tau-bench", user="airline")
    with pytest.raises(ValidationError, match="--user"):
        read_runs(TAU, "tau-bench")


def test_a_call_that_worked_when_sent_again_unchanged_reads_as_a_retry() -> None:
    def call(seq: int, tool: str, args: str, fixes: int | None = None) -> dict[str, object]:
        failed = fixes is None  # here every call either failed or fixed the one before
        return {"seq": seq, "tool": tool, "arguments": args, "failed": failed,
                "state_changing": True, "fixes": fixes}  # fmt: skip

    calls = [
        call(1, "book", '{"id": 1}'),
        call(2, "book", '{"id": 1}', fixes=1),
        call(3, "pay", '{"card": "a"}'),
        call(4, "pay", '{"card": "b"}', fixes=3),
    ]
    run = {"id": "r", "success": True, "step_count": 4, "calls": calls}
    texts = [x.text for x in lessons_for_task("u", "t", [run]) if x.kind == "recovery"]
    assert texts == [
        "recovery: when book fails, retry the same call",
        "recovery: when pay fails, retry it changing card",
    ]
