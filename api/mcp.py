"""The MCP server (official ``mcp`` SDK): Strata's memory as tools agents call.

Two transports, one set of tools:

- ``strata mcp``: stdio, in process, for one local agent; its users live in ``--tenant``.
- ``strata serve``: streamable HTTP at ``/mcp``, behind the REST API's keys. Each request is
  authenticated before the SDK sees it (a missing or unknown key is a 401 in the REST error
  shape), and a tool reads the key again from its own request, so a tenant only ever reaches
  its own users. In local mode (no keys) only loopback clients get in, as with REST.

Tools return the REST API's typed models as structured content; bad arguments and Strata's
errors come back as tool errors (``isError``), never as a crashed session.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field, ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send

from strata import __version__
from strata.api.http.agent import OutcomeOut, RecallOut, RunsOut
from strata.api.http.deps import is_loopback_host
from strata.api.http.limits import Budget
from strata.api.http.schemas import ForgetOut, IngestOut, InteractionBody, PersonaOut, SearchOut
from strata.api.library import Memory
from strata.graph.errors import StrataError
from strata.graph.owners import LOCAL_TENANT, owner_id
from strata.ingest.agent_models import AgentMessage, Outcome

T = TypeVar("T")
UserId = Annotated[
    str, Field(description="The user whose memory this is (1-128 letters, digits, . _ @ -).")
]
INSTRUCTIONS = (
    "Long-term memory of users and agents. Store what was said with add_memory, find it again "
    "with search_memory (ranked evidence with provenance, contradictions and updates), read a "
    "user's persona facts with get_persona, and erase a user with delete_memory. Agents record "
    "their runs (tool calls and outcomes) with record_run and report_outcome, and ask "
    "recall_for_task before a new task."
)


class MessageIn(BaseModel):
    speaker: str = Field(description="Who said it (a name, or 'user'/'assistant').")
    text: str = Field(description="What was said, verbatim.")
    role: str | None = Field(default=None, description="user | assistant | system (optional).")
    timestamp: datetime | None = Field(default=None, description="When it was said (ISO 8601).")


TenantOf = Callable[[Context], str]


@dataclass(frozen=True)
class Served:
    """What ``strata serve`` lends its MCP tools, so an agent writing over MCP gets what a REST
    client gets: ``add(owner, body, wait)`` answers once the conversation is searchable and
    leaves derived memory to the server's enrichment worker; searches share the REST API's
    budget (concurrency caps, tenant shares, time limit)."""

    add: Callable[[str, InteractionBody, bool], IngestOut]
    budget: Budget


def build_server(tenant_of: TenantOf, served: Served | None = None) -> MCPServer:
    """The tools; ``tenant_of`` names the tenant of the request a tool serves. Without
    ``served`` (stdio) every tool runs in process and ``add_memory`` returns complete memory."""
    server: MCPServer = MCPServer("strata", version=__version__, instructions=INSTRUCTIONS)
    memories = _Memories()

    async def call(ctx: Context, work: Callable[[Memory], T], search: bool = False) -> T:
        tenant = tenant_of(ctx)
        memory = await anyio.to_thread.run_sync(memories.get, tenant)
        try:
            if search and served is not None:
                return await served.budget.run(lambda: work(memory), tenant=tenant)
            return await anyio.to_thread.run_sync(lambda: work(memory))
        except StrataError as e:
            raise ToolError(str(e)) from e

    def acknowledged(tenant: str, user_id: str, body: dict[str, Any], wait: bool) -> IngestOut:
        assert served is not None
        try:
            valid = InteractionBody.model_validate(body)
        except ValidationError as e:
            first = e.errors()[0]
            loc = first["loc"]  # the tool's argument names: the body's "id" is interaction_id
            where = "interaction_id" if loc == ("id",) else ".".join(map(str, loc))
            raise ToolError(f"{where}: {first['msg']}") from None
        return served.add(owner_id(tenant, user_id), valid, wait)

    @server.tool()
    async def add_memory(
        user_id: UserId,
        messages: Annotated[list[MessageIn], Field(min_length=1, description="In order.")],
        ctx: Context,
        interaction_id: Annotated[
            str | None, Field(description="Your id of this conversation; re-sending is a no-op.")
        ] = None,
        wait: Annotated[
            bool,
            Field(description="Answer once persona facts and links are derived too (slower)."),
        ] = False,
    ) -> IngestOut:
        """Store a conversation (or one message) in the user's memory. It is searchable when
        this returns; entities, events, persona facts and links are derived without an LLM,
        in the background unless ``wait`` (``enrichment``: "pending" or "done"). The raw text
        is kept verbatim."""
        sent = [m.model_dump(mode="json", exclude_none=True) for m in messages]
        if served is None:
            return await call(ctx, lambda m: m.add(user_id, sent, interaction_id=interaction_id))
        body = {"id": interaction_id, "messages": sent}
        tenant = tenant_of(ctx)
        try:
            return await anyio.to_thread.run_sync(lambda: acknowledged(tenant, user_id, body, wait))
        except StrataError as e:
            raise ToolError(str(e)) from e

    @server.tool()
    async def search_memory(
        user_id: UserId,
        query: Annotated[str, Field(min_length=1, description="A question about the past.")],
        ctx: Context,
        k: Annotated[int, Field(ge=1, le=100, description="How many items.")] = 10,
        as_of: Annotated[
            datetime | None, Field(description="Answer with what was valid then (ISO 8601).")
        ] = None,
    ) -> SearchOut:
        """Search the user's memory: ranked turns with provenance (interaction, time),
        contradictions among the facts they touch, and updates (old value → new value)."""
        return await call(ctx, lambda m: m.search(user_id, query, k=k, as_of=as_of), search=True)

    @server.tool()
    async def get_persona(user_id: UserId, ctx: Context) -> PersonaOut:
        """The user's persona facts grouped by subject and predicate, with validity, what
        superseded them, open conflicts and persona insights."""
        return await call(ctx, lambda m: m.persona(user_id))

    @server.tool()
    async def record_run(
        user_id: Annotated[str, Field(description="The agent or team whose memory this is.")],
        task: Annotated[str, Field(min_length=1, description="What the run was asked to do.")],
        messages: Annotated[
            list[AgentMessage],
            Field(min_length=1, description="The run in OpenAI chat format, in order."),
        ],
        ctx: Context,
        run_id: Annotated[
            str | None, Field(description="Your id of the run, to report its outcome later.")
        ] = None,
        outcome: Annotated[
            Outcome | None, Field(description="How it ended, if known: {success, reward}.")
        ] = None,
        used_lessons: Annotated[
            list[str] | None,
            Field(description="Ids of the lessons recall_for_task gave this run, if any."),
        ] = None,
    ) -> RunsOut:
        """Record an agent run: its task, messages, tool calls with their results, and the
        outcome if known. Failed calls and the calls that fixed them are marked. Naming the
        lessons it was given lets its outcome move their scores. Idempotent."""
        sent = [m.model_dump(mode="json", exclude_none=True) for m in messages]
        done = None if outcome is None else outcome.model_dump(exclude_none=True)
        return await call(
            ctx,
            lambda m: m.record_run(
                user_id, task, sent, run_id=run_id, outcome=done, used_lessons=used_lessons
            ),
        )

    @server.tool()
    async def report_outcome(
        user_id: Annotated[str, Field(description="The agent or team that ran it.")],
        run_id: Annotated[str, Field(min_length=1, description="The id given to record_run.")],
        ctx: Context,
        success: bool | None = None,
        reward: float | None = None,
        feedback: str | None = None,
    ) -> OutcomeOut:
        """Report how a recorded run ended, once it is known (what is left out is kept)."""
        return await call(
            ctx,
            lambda m: m.report_outcome(
                user_id, run_id, success=success, reward=reward, feedback=feedback
            ),
        )

    @server.tool()
    async def recall_for_task(
        user_id: Annotated[str, Field(description="The agent or team whose runs to recall.")],
        task: Annotated[str, Field(min_length=1, description="The new task, in words.")],
        ctx: Context,
        k: Annotated[int, Field(ge=1, le=50, description="How many past runs.")] = 5,
    ) -> RecallOut:
        """Before a task: similar past runs (successful first, plus one instructive failure)
        with their key steps, the lessons ranked, and the recommended tool calls in order."""
        return await call(ctx, lambda m: m.recall_for_task(user_id, task, k=k))

    @server.tool()
    async def delete_memory(user_id: UserId, ctx: Context) -> ForgetOut:
        """Forget the user: every node of their memory is deleted. Idempotent."""
        return await call(ctx, lambda m: m.forget(user_id))

    return server


class _Memories:
    """One in-process ``Memory`` per tenant, made on first use (they share the driver)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_tenant: dict[str, Memory] = {}

    def get(self, tenant: str) -> Memory:
        with self._lock:
            if tenant not in self._by_tenant:
                self._by_tenant[tenant] = Memory(tenant=tenant)
            return self._by_tenant[tenant]


def run_stdio(tenant: str = LOCAL_TENANT) -> None:
    """``strata mcp``: serve the tools over stdin/stdout for one local agent."""
    build_server(lambda _ctx: tenant).run("stdio")


# ---- streamable HTTP inside `strata serve` ------------------------------------------------------


def _key_of(headers: dict[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class McpEndpoint:
    """ASGI app routed at ``/mcp``: checks the caller like REST does, then hands the request
    to the SDK. The SDK's session manager starts with the first request (it needs a task
    group for its whole life, and a routed app gets no lifespan of its own)."""

    def __init__(self, api_keys: dict[str, str], served: Served | None = None) -> None:
        self.api_keys = api_keys

        def tenant_of(ctx: Context) -> str:
            if not api_keys:
                return LOCAL_TENANT
            key = _key_of({k.lower(): v for k, v in (ctx.headers or {}).items()})
            if key is None or key not in api_keys:  # checked at the door; never reached
                raise ToolError("unauthorized")
            return api_keys[key]

        self.server = build_server(tenant_of, served)
        self.app: ASGIApp = self.server.streamable_http_app(
            streamable_http_path="/mcp", stateless_http=True, json_response=True
        )
        self._started: asyncio.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        refused = self._refusal(scope)
        if refused is not None:
            await _json(send, *refused)
            return
        await self._start()
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        if not self.api_keys:
            client = scope.get("client")
            if client and not is_loopback_host(client[0]):
                return 403, "forbidden", "local mode serves loopback clients only"
            return None
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        key = _key_of(headers)
        if key is None:
            return 401, "unauthorized", "send 'Authorization: Bearer <API key>'"
        if key not in self.api_keys:
            return 401, "unauthorized", "unknown API key"
        return None

    async def _start(self) -> None:
        if self._started is not None:
            await self._started.wait()
            return
        self._started = started = asyncio.Event()

        async def run() -> None:
            async with self.server.session_manager.run():
                started.set()
                await asyncio.Event().wait()  # until the server's loop ends

        self._runner = asyncio.get_running_loop().create_task(run())
        await started.wait()


async def _json(
    send: Callable[[dict[str, Any]], Awaitable[None]], status: int, code: str, message: str
) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "where": "header"}}).encode()
    headers = [(b"content-type", b"application/json")]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
