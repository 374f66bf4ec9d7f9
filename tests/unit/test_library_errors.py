"""What a library user sees for bad input: one line naming the field, before anything is sent
(the facade validates first, so no server is needed here)."""

from __future__ import annotations

import pytest

from strata import Memory
from strata.graph.errors import ValidationError


@pytest.fixture
def memory() -> Memory:
    return Memory(base_url="http://127.0.0.1:9")  # never reached: validation comes first


def test_a_bad_message_is_one_line_naming_its_field(memory: Memory) -> None:
    with pytest.raises(ValidationError) as caught:
        memory.add("alice", [{"speaker": "Alice", "text": ""}])
    assert caught.value.where == "add"
    assert str(caught.value).endswith("messages.0.text: String should have at least 1 character")
    assert "\n" not in str(caught.value) and "pydantic" not in str(caught.value)


def test_a_bad_run_is_one_line_naming_its_field(memory: Memory) -> None:
    call = {"id": "c1", "function": {"name": "cancel", "arguments": "{oops"}}
    with pytest.raises(ValidationError) as caught:
        memory.record_run("bot", "Cancel order 7", [{"role": "assistant", "tool_calls": [call]}])
    assert caught.value.where == "run"
    assert "messages.0.tool_calls.0.function.arguments" in str(caught.value)
    assert "arguments are not JSON" in str(caught.value)
    assert "\n" not in str(caught.value)
