"""The MCP server through the official MCP client: stdio (``strata mcp``) and streamable HTTP
(``/mcp`` in ``strata serve``), with tenants kept apart and requests without a key refused."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from tests_support import running

from strata.api.http.app import create_app
from strata.api.http.limits import Limits
from strata.graph.db import Graph

KEY_A, KEY_B = "mcp-key-tenant-a-0123456789", "mcp-key-tenant-b-0123456789"
TOOLS = {"add_memory", "search_memory", "get_persona", "delete_memory", "record_run",
         "report_outcome", "recall_for_task"}  # fmt: skip
MESSAGES = [
    {"speaker": "Alice", "text": "I live in Paris now.", "timestamp": "2024-03-01T10:00:00Z"},
    {"speaker": "Alice", "text": "I moved to Berlin.", "timestamp": "2024-09-01T10:00:00Z"},
]


@pytest.fixture(scope="module")
def server(graph: Graph) -> Iterator[str]:
    with running(create_app(api_keys={KEY_A: "mcpa", KEY_B: "mcpb"})) as url:
        yield url


@asynccontextmanager
async def _http(url: str, key: str) -> AsyncIterator[Client]:
    """The official client over streamable HTTP, sending ``key`` (the SDK leaves a client it
    was given open, so this closes it)."""
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx2.AsyncClient(headers=headers) as http:
        transport = streamable_http_client(f"{url}/mcp", http_client=http)
        async with Client(transport) as client:
            yield client


def _stdio(tenant: str) -> Client:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "strata.api.cli", "mcp", "--tenant", tenant],
        env=dict(os.environ),
    )
    return Client(params)


async def _conversation(client: Client, user: str) -> dict[str, Any]:
    """Every tool once; returns what each answered."""
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) >= TOOLS
    assert tools["search_memory"].input_schema["required"] == ["user_id", "query"]
    assert all(tools[name].description for name in TOOLS)
    added = await client.call_tool(
        "add_memory", {"user_id": user, "messages": MESSAGES, "wait": True}
    )
    found = await client.call_tool(
        "search_memory", {"user_id": user, "query": "Where does Alice live?", "k": 3}
    )
    persona = await client.call_tool("get_persona", {"user_id": user})
    bad_k = await client.call_tool("search_memory", {"user_id": user, "query": "x", "k": 0})
    bad_user = await client.call_tool("search_memory", {"user_id": "a:b", "query": "x"})
    deleted = await client.call_tool("delete_memory", {"user_id": user})
    after = await client.call_tool("search_memory", {"user_id": user, "query": "Berlin"})
    return {
        "added": added,
        "found": found,
        "persona": persona,
        "bad_k": bad_k,
        "bad_user": bad_user,
        "deleted": deleted,
        "after": after,
    }


def _check(r: dict[str, Any]) -> None:
    assert not r["added"].is_error and r["added"].structured_content["turns"] == 2
    texts = " ".join(i["text"] for i in r["found"].structured_content["items"])
    assert "Berlin" in texts
    assert r["persona"].structured_content["subjects"]
    assert r["bad_k"].is_error and r["bad_user"].is_error  # tool errors, the session lives on
    assert r["deleted"].structured_content["nodes"] > 0
    assert r["after"].structured_content["items"] == []


def test_stdio_serves_every_tool(graph: Graph) -> None:
    async def main() -> dict[str, Any]:
        async with _stdio(f"mcp{uuid.uuid4().hex[:6]}") as client:
            return await _conversation(client, "alice")

    _check(asyncio.run(main()))


def test_http_serves_every_tool_behind_the_key(server: str) -> None:
    async def main() -> dict[str, Any]:
        async with _http(server, KEY_A) as client:
            return await _conversation(client, f"u{uuid.uuid4().hex[:8]}")

    _check(asyncio.run(main()))


def test_an_http_write_is_searchable_at_once_and_its_persona_follows(server: str) -> None:
    """Over HTTP add_memory answers like the REST API: once the conversation is searchable,
    with persona facts and links derived in the background (the MCP add that blocks an
    agent until all enrichment is done is what users of other memory servers report)."""
    user = f"u{uuid.uuid4().hex[:8]}"

    async def main() -> list[Any]:
        async with _http(server, KEY_A) as a:
            added = await a.call_tool("add_memory", {"user_id": user, "messages": MESSAGES})
            found = await a.call_tool("search_memory", {"user_id": user, "query": "Berlin"})
            persona: dict[str, Any] = {}
            with anyio.fail_after(60):
                while not persona.get("subjects"):
                    await anyio.sleep(0.2)
                    got = await a.call_tool("get_persona", {"user_id": user})
                    persona = got.structured_content or {}
            await a.call_tool("delete_memory", {"user_id": user})
            return [added.structured_content, found.structured_content["items"], persona]

    added, found, persona = asyncio.run(main())
    assert added["enrichment"] == "pending" and added["turns"] == 2
    assert any("Berlin" in item["text"] for item in found)
    assert any(g["subject"] for g in persona["subjects"])


def test_an_http_write_with_a_bad_message_is_refused_whole(server: str) -> None:
    """A message the tool's schema lets through but a conversation may not hold (empty text)
    is a tool error naming it, and none of the call's messages are stored."""
    user = f"u{uuid.uuid4().hex[:8]}"
    messages = [{"speaker": "Alice", "text": "I live in Oslo."}, {"speaker": "Alice", "text": ""}]

    async def main() -> list[Any]:
        async with _http(server, KEY_A) as a:
            empty_text = await a.call_tool("add_memory", {"user_id": user, "messages": messages})
            empty_id = await a.call_tool(
                "add_memory", {"user_id": user, "messages": messages[:1], "interaction_id": ""}
            )
            found = await a.call_tool("search_memory", {"user_id": user, "query": "Oslo"})
            return [empty_text, empty_id, found.structured_content["items"]]

    empty_text, empty_id, found = asyncio.run(main())
    assert empty_text.is_error and "messages.1.text" in empty_text.content[0].text
    assert empty_id.is_error and "interaction_id" in empty_id.content[0].text
    assert found == []


def test_an_http_search_keeps_to_the_servers_search_budget(graph: Graph) -> None:
    """Over HTTP search_memory runs under the REST API's search budget (its time limit,
    concurrency caps and tenant shares), not beside it: past the budget it is a tool error."""
    app = create_app(api_keys={KEY_A: "mcpa"}, limits=Limits(search_budget_s=0.001))
    with running(app) as url:

        async def main() -> Any:
            async with _http(url, KEY_A) as a:
                return await a.call_tool("search_memory", {"user_id": "nobody", "query": "x"})

        found = asyncio.run(main())
    assert found.is_error
    assert "budget" in " ".join(getattr(c, "text", "") for c in found.content)


def test_another_tenants_key_sees_nothing(server: str) -> None:
    user = f"u{uuid.uuid4().hex[:8]}"

    async def main() -> list[Any]:
        async with _http(server, KEY_A) as a, _http(server, KEY_B) as b:
            await a.call_tool("add_memory", {"user_id": user, "messages": MESSAGES})
            theirs = await b.call_tool("search_memory", {"user_id": user, "query": "Berlin"})
            ours = await a.call_tool("search_memory", {"user_id": user, "query": "Berlin"})
            await a.call_tool("delete_memory", {"user_id": user})
            return [theirs.structured_content["items"], ours.structured_content["items"]]

    theirs, ours = asyncio.run(main())
    assert theirs == [] and ours


def test_http_records_a_run_and_its_later_outcome(server: str) -> None:
    agent = f"agent{uuid.uuid4().hex[:8]}"
    call = {"id": "a", "function": {"name": "cancel_order", "arguments": '{"id": 7}'}}
    messages = [
        {"role": "user", "content": "Cancel order 7"},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "a", "content": '{"status": "cancelled"}'},
    ]

    async def main() -> list[Any]:
        async with _http(server, KEY_A) as a, _http(server, KEY_B) as b:
            args = {"user_id": agent, "task": "Cancel order 7", "messages": messages,
                    "run_id": "r1"}  # fmt: skip
            recorded = await a.call_tool("record_run", args)
            later = {"user_id": agent, "run_id": "r1", "success": True}
            elsewhere = await b.call_tool("report_outcome", later)  # another tenant: no such run
            reported = await a.call_tool("report_outcome", later)
            recalled = await a.call_tool(
                "recall_for_task", {"user_id": agent, "task": "Cancel my order 7"}
            )
            await a.call_tool("delete_memory", {"user_id": agent})
            return [recorded, elsewhere, reported, recalled]

    recorded, elsewhere, reported, recalled = asyncio.run(main())
    assert [a["name"] for a in recalled.structured_content["actions"]] == ["cancel_order"]
    assert recorded.structured_content["runs"] == 1
    assert recorded.structured_content["key_steps"] == 1
    assert elsewhere.is_error
    assert reported.structured_content["success"] is True


@pytest.mark.parametrize("key", [None, "not-a-key-of-this-server-0123"])
def test_requests_without_a_valid_key_are_refused(server: str, key: str | None) -> None:
    headers = {"Accept": "application/json, text/event-stream"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    r = httpx.post(f"{server}/mcp", json=body, headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
