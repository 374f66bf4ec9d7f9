"""STRATA_PII=mask against the real Neo4j: nothing personal is stored in the clear, search shows
placeholders, the owner's export gives the exact text back, forget takes the originals too."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet

from strata import Memory
from strata.graph.db import Graph
from strata.graph.owners import LOCAL_TENANT
from strata.graph.settings import get_settings

ORIGINALS = [
    "jane.doe@example.com",
    "(415) 555-2671",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "DE89 3704 0044 0532 0130 00",
    "123-45-6789",
    "742 Evergreen Terrace",
]
# What a careless store might keep instead of the text as written.
VARIANTS = ["4155552671", "442079460958", "4111111111111111", "DE89370400440532013000", "123456789"]
MESSAGES = [
    {
        "id": "m1",
        "speaker": "Jane",
        "role": "user",
        "text": "My email is jane.doe@example.com and my phone is (415) 555-2671. "
        "I live at 742 Evergreen Terrace, Apt 3. My SSN is 123-45-6789.",
        "timestamp": "2024-03-01T10:00:00Z",
    },
    {
        "id": "m2",
        "speaker": "Jane",
        "role": "user",
        "text": "Pay with card 4111 1111 1111 1111 or IBAN DE89 3704 0044 0532 0130 00; "
        "my London office is +44 20 7946 0958.",
        "timestamp": "2024-03-01T10:01:00Z",
        "attachments": [{"kind": "note", "text": "Invoice to jane.doe@example.com", "url": None}],
    },
]


@pytest.fixture
def masking(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("STRATA_PII", "mask")
    monkeypatch.setenv("STRATA_PII_KEY", key)
    get_settings.cache_clear()
    yield key
    get_settings.cache_clear()


def _user() -> str:
    return f"pii-{uuid.uuid4().hex[:10]}"


def _stored_strings(graph: Graph, owner: str) -> list[str]:
    """Every string (or string in a list) stored on any node of the owner."""
    rows = graph.run_raw(
        "MATCH (n) WHERE n.user_id = $owner RETURN properties(n) AS p", owner=owner
    )
    out: list[str] = []
    for r in rows:
        for value in r["p"].values():
            items: list[Any] = value if isinstance(value, list) else [value]
            out += [v for v in items if isinstance(v, str)]
    return out


def _pii_values(graph: Graph, owner: str) -> int:
    rows = graph.run_raw("MATCH (n:PiiValue {user_id: $owner}) RETURN count(n) AS n", owner=owner)
    return int(rows[0]["n"])


def test_masked_memory_stores_no_original_and_the_export_restores_them(
    graph: Graph, masking: str
) -> None:
    user = _user()
    owner = f"{LOCAL_TENANT}:{user}"
    with Memory() as memory:
        memory.add(user, MESSAGES, interaction_id="s1")
        memory.record_run(
            user,
            "Email the invoice to jane.doe@example.com",
            [
                {"role": "user", "content": "Send it to jane.doe@example.com please"},
                {"role": "assistant", "content": "Sent to jane.doe@example.com."},
            ],
            run_id="r1",
            outcome={"success": True},
        )
        stored = _stored_strings(graph, owner)
        assert any("<EMAIL_1>" in s for s in stored)
        leaks = [o for o in ORIGINALS + VARIANTS for s in stored if o.lower() in s.lower()]
        assert leaks == []

        found = memory.search(user, "What is Jane's email address?", k=5)
        text = " ".join(item.text for item in found.items)
        assert "<EMAIL_1>" in text and "jane.doe" not in text
        # a question that names the value finds it through its placeholder
        by_value = memory.search(user, "Who pays with 4111 1111 1111 1111?", k=1, explain=True)
        assert "<CARD_1>" in by_value.items[0].text
        assert by_value.plan["query"] == "Who pays with <CARD_1>?"  # masked before any use

        [line] = memory.export(user)
        assert [m["text"] for m in line["messages"]] == [m["text"] for m in MESSAGES]
        assert line["messages"][1]["attachments"][0]["text"] == "Invoice to jane.doe@example.com"

        values = _pii_values(graph, owner)
        assert values == len(ORIGINALS)
        memory.add(user, MESSAGES, interaction_id="s1")  # re-ingest: the same placeholders
        memory.add(user, [{**MESSAGES[0], "id": "m9"}], interaction_id="s2")
        assert _pii_values(graph, owner) == values
        same = graph.run_raw(
            "MATCH (t:Turn {user_id: $owner}) WHERE t.raw_text = $text RETURN count(t) AS n",
            owner=owner,
            text=_masked(MESSAGES[0]["text"]),
        )
        assert same[0]["n"] == 2  # both interactions carry the same placeholders

        memory.forget(user)
        assert _pii_values(graph, owner) == 0


def _masked(text: str) -> str:
    for original, placeholder in [
        ("jane.doe@example.com", "<EMAIL_1>"),
        ("(415) 555-2671", "<PHONE_1>"),
        ("742 Evergreen Terrace, Apt 3", "<ADDRESS_1>"),
        ("123-45-6789", "<SSN_1>"),
    ]:
        text = text.replace(original, placeholder)
    return text


def test_a_langgraph_value_is_stored_masked(graph: Graph, masking: str) -> None:
    from strata.integrations.langgraph import StrataStore

    user = _user()
    store = StrataStore()
    store.put(("pii", user), "contact", {"text": "Reach Jane at jane.doe@example.com"})
    stored = _stored_strings(graph, f"{LOCAL_TENANT}:pii.{user}")
    assert any("<EMAIL_1>" in s for s in stored)
    assert not [s for s in stored if "jane.doe@example.com" in s]
    item = store.get(("pii", user), "contact")
    assert item is not None and item.value == {"text": "Reach Jane at <EMAIL_1>"}
    store.delete(("pii", user), "contact")


def test_the_runs_export_restores_the_task_and_messages(graph: Graph, masking: str) -> None:
    import httpx
    from tests_support import running

    from strata.api.http.app import create_app

    user, key = _user(), "pii-runs-key-0123456789"
    run = {
        "id": "r1",
        "task": "Email the invoice to jane.doe@example.com",
        "messages": [
            {"role": "user", "content": "Send it to jane.doe@example.com, or call (415) 555-2671"},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "c1",
                        "function": {"name": "send", "arguments": {"to": "jane.doe@example.com"}},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "sent"},
        ],
        "outcome": {"success": True, "feedback": "jane.doe@example.com confirmed"},
    }
    with running(create_app(api_keys={key: "piiruns"})) as url:
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=auth, timeout=60) as http:
            assert http.post(f"/v1/users/{user}/runs", json=run).status_code == 200
            stored = _stored_strings(graph, f"piiruns:{user}")
            assert not [s for s in stored if "jane.doe" in s or "555-2671" in s]
            [line] = [
                json.loads(x) for x in http.get(f"/v1/users/{user}/runs/export").text.splitlines()
            ]
            http.delete(f"/v1/users/{user}")
    assert line["task"] == run["task"]
    assert line["messages"][0]["content"] == run["messages"][0]["content"]
    arguments = line["messages"][1]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments) == {"to": "jane.doe@example.com"}  # exported as JSON text
    assert line["outcome"]["feedback"] == "jane.doe@example.com confirmed"


def test_without_the_key_the_export_keeps_the_placeholders(
    graph: Graph, masking: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _user()
    with Memory() as memory:
        memory.add(user, MESSAGES[:1], interaction_id="s1")
        monkeypatch.delenv("STRATA_PII_KEY")
        monkeypatch.setenv("STRATA_PII", "off")
        get_settings.cache_clear()
        [line] = memory.export(user)
        assert line["messages"][0]["text"] == _masked(MESSAGES[0]["text"])
        memory.forget(user)


def test_mask_off_stores_the_text_as_sent(graph: Graph) -> None:
    user = _user()
    owner = f"{LOCAL_TENANT}:{user}"
    with Memory() as memory:
        memory.add(user, MESSAGES[:1], interaction_id="s1")
        assert MESSAGES[0]["text"] in _stored_strings(graph, owner)
        assert _pii_values(graph, owner) == 0
        [line] = memory.export(user)
        assert line["messages"][0]["text"] == MESSAGES[0]["text"]
        memory.forget(user)
