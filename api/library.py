"""The Python library: ``Memory`` and ``AsyncMemory``, one set of methods over two backends.

- In process (the default): ``Memory()`` reads the same ``STRATA_`` settings as the CLI (the
  local Neo4j is started when no URI is set); ``Memory(driver=...)`` uses a driver you own.
- Over HTTP: ``Memory(base_url=..., api_key=...)`` talks to a running ``strata serve``.

Either way the methods take the same arguments, return the HTTP API's typed models
(``api.http.schemas``) and raise the one error tree (``graph.errors``): in process the same
code as the routes runs, and over HTTP (``api.remote``) each error status maps back to its
class. Users live in ``tenant`` in process; over HTTP the key decides the tenant.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any, Protocol, Self

import neo4j
import pydantic

from strata.api.http.agent import OutcomeOut, RecallOut, RunBody, RunsOut
from strata.api.http.schemas import (
    ForgetOut,
    IngestOut,
    InteractionBatch,
    InteractionBody,
    InteractionDeleted,
    MessageDeleted,
    PersonaOut,
    SearchOut,
)
from strata.api.remote import Line, Remote
from strata.graph import errors
from strata.graph.owners import LOCAL_TENANT, owner_id
from strata.ingest.agent_models import Outcome

Message = dict[str, Any]


class _Backend(Protocol):
    def add(
        self, user_id: str, body: InteractionBody | InteractionBatch, wait: bool
    ) -> IngestOut: ...
    def search(
        self, user_id: str, query: str, k: int, as_of: datetime | None, explain: bool
    ) -> SearchOut: ...
    def persona(self, user_id: str, limit: int) -> PersonaOut: ...
    def export(self, user_id: str) -> list[Line]: ...
    def forget(self, user_id: str) -> ForgetOut: ...
    def delete_interaction(self, user_id: str, interaction_id: str) -> InteractionDeleted: ...
    def delete_message(
        self, user_id: str, interaction_id: str, message_id: str
    ) -> MessageDeleted: ...
    def record_run(self, user_id: str, body: RunBody) -> RunsOut: ...
    def report_outcome(self, user_id: str, run_id: str, outcome: Outcome) -> OutcomeOut: ...
    def recall_for_task(self, user_id: str, task: str, k: int) -> RecallOut: ...
    def close(self) -> None: ...


def _invalid(e: pydantic.ValidationError, where: str) -> errors.ValidationError:
    """The first problem as one line, ``<field>: <what is wrong>`` (as the HTTP API and the
    file readers say it), not pydantic's multi-line report with its help links."""
    first = e.errors()[0]
    field = ".".join(str(p) for p in first["loc"])
    return errors.ValidationError(f"{field}: {first['msg']}".strip(": "), where=where)


class Memory:
    """Long-term memory of users (and agents), backed by Neo4j. Close it, or use ``with``."""

    def __init__(
        self,
        *,
        driver: neo4j.Driver | None = None,
        database: str = "neo4j",
        base_url: str | None = None,
        api_key: str | None = None,
        tenant: str = LOCAL_TENANT,
        timeout: float = 30.0,
    ) -> None:
        if base_url is not None and driver is not None:
            raise errors.ConfigError("give either base_url (a Strata server) or driver, not both")
        self._backend: _Backend = (
            Remote(base_url, api_key, timeout)
            if base_url is not None
            else _Local(driver, database, tenant)
        )

    def add(
        self,
        user_id: str,
        messages: list[Message] | None = None,
        *,
        interaction_id: str | None = None,
        started_at: datetime | str | None = None,
        interactions: list[dict[str, Any]] | None = None,
        wait: bool = False,
    ) -> IngestOut:
        """Store one interaction (``messages``: ``{speaker, text, role?, timestamp?, id?}``) or
        several (``interactions``, each in the native input shape). Idempotent by ids. Over
        HTTP the server answers once the conversation is searchable and extracts it after
        (``enrichment: "pending"``); ``wait=True`` answers once that is done too. In-process
        the memory is complete when ``add`` returns."""
        if (messages is None) == (interactions is None):
            raise errors.ValidationError("give messages or interactions", where="add")
        try:
            body: InteractionBody | InteractionBatch = (
                InteractionBatch.model_validate({"interactions": interactions})
                if interactions is not None
                else InteractionBody.model_validate(
                    {"id": interaction_id, "started_at": started_at, "messages": messages}
                )
            )
        except pydantic.ValidationError as e:
            raise _invalid(e, "add") from None
        return self._backend.add(user_id, body, wait)

    def search(
        self,
        user_id: str,
        query: str,
        *,
        k: int = 10,
        as_of: datetime | None = None,
        explain: bool = False,
    ) -> SearchOut:
        """Ranked evidence with provenance, contradictions and updates (and the plan)."""
        return self._backend.search(user_id, query, k, as_of, explain)

    def persona(self, user_id: str, *, limit: int = 1_000) -> PersonaOut:
        """Persona facts with validity and conflicts, and persona insights."""
        return self._backend.persona(user_id, limit)

    def export(self, user_id: str) -> list[Line]:
        """Every interaction of the user in the native input shape (``add(interactions=...)``
        takes them back)."""
        return self._backend.export(user_id)

    def forget(self, user_id: str) -> ForgetOut:
        """Delete everything of the user; idempotent."""
        return self._backend.forget(user_id)

    def delete_interaction(self, user_id: str, interaction_id: str) -> InteractionDeleted:
        """Delete one interaction (Strata's id or yours) and what only it evidenced. To edit a
        message, ``add`` its interaction again with the same ids and the new text."""
        return self._backend.delete_interaction(user_id, interaction_id)

    def delete_message(self, user_id: str, interaction_id: str, message_id: str) -> MessageDeleted:
        """Delete one message (your id, or its 0-based position if it had none); derived memory
        ends as if it had never been sent."""
        return self._backend.delete_message(user_id, interaction_id, message_id)

    def record_run(
        self,
        user_id: str,
        task: str,
        messages: list[Message],
        *,
        run_id: str | None = None,
        outcome: dict[str, Any] | None = None,
        used_lessons: list[str] | None = None,
    ) -> RunsOut:
        """Record an agent run (``user_id``: the agent or team) in OpenAI chat format: roles
        system/user/assistant/tool, assistant ``tool_calls``, tool results by ``tool_call_id``,
        an optional ``name`` per message. ``outcome`` ({success, reward, feedback}) may come
        later through ``report_outcome`` with the same ``run_id``; ``used_lessons`` (ids from
        ``recall_for_task``) lets that outcome move the lessons' scores. Idempotent."""
        try:
            body = RunBody.model_validate(
                {
                    "id": run_id,
                    "task": task,
                    "messages": messages,
                    "outcome": outcome,
                    "used_lessons": used_lessons or [],
                }
            )
        except pydantic.ValidationError as e:
            raise _invalid(e, "run") from None
        return self._backend.record_run(user_id, body)

    def report_outcome(
        self,
        user_id: str,
        run_id: str,
        *,
        success: bool | None = None,
        reward: float | None = None,
        feedback: str | None = None,
    ) -> OutcomeOut:
        """Set how a recorded run ended (``NotFound`` when there is no such run); what is left
        out keeps its stored value, so feedback can follow the result."""
        outcome = Outcome(success=success, reward=reward, feedback=feedback)
        return self._backend.report_outcome(user_id, run_id, outcome)

    def recall_for_task(self, user_id: str, task: str, *, k: int = 5) -> RecallOut:
        """For a new task: similar past runs (successful first, one instructive failure) with
        their key steps, lessons ranked, and the recommended calls in order."""
        if not task.strip():
            raise errors.ValidationError("must not be blank", where="task")
        return self._backend.recall_for_task(user_id, task, k)

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncMemory:
    """``Memory`` for asyncio code: the same methods, awaited (each runs in a worker thread)."""

    def __init__(self, **kwargs: Any) -> None:
        self._sync = Memory(**kwargs)

    async def add(
        self, user_id: str, messages: list[Message] | None = None, **kw: Any
    ) -> IngestOut:
        return await asyncio.to_thread(self._sync.add, user_id, messages, **kw)

    async def search(self, user_id: str, query: str, **kw: Any) -> SearchOut:
        return await asyncio.to_thread(self._sync.search, user_id, query, **kw)

    async def persona(self, user_id: str, **kw: Any) -> PersonaOut:
        return await asyncio.to_thread(self._sync.persona, user_id, **kw)

    async def export(self, user_id: str) -> list[Line]:
        return await asyncio.to_thread(self._sync.export, user_id)

    async def forget(self, user_id: str) -> ForgetOut:
        return await asyncio.to_thread(self._sync.forget, user_id)

    async def delete_interaction(self, user_id: str, interaction_id: str) -> InteractionDeleted:
        return await asyncio.to_thread(self._sync.delete_interaction, user_id, interaction_id)

    async def delete_message(
        self, user_id: str, interaction_id: str, message_id: str
    ) -> MessageDeleted:
        return await asyncio.to_thread(
            self._sync.delete_message, user_id, interaction_id, message_id
        )

    async def record_run(
        self, user_id: str, task: str, messages: list[Message], **kw: Any
    ) -> RunsOut:
        return await asyncio.to_thread(self._sync.record_run, user_id, task, messages, **kw)

    async def report_outcome(self, user_id: str, run_id: str, **kw: Any) -> OutcomeOut:
        return await asyncio.to_thread(self._sync.report_outcome, user_id, run_id, **kw)

    async def recall_for_task(self, user_id: str, task: str, **kw: Any) -> RecallOut:
        return await asyncio.to_thread(self._sync.recall_for_task, user_id, task, **kw)

    async def aclose(self) -> None:
        await asyncio.to_thread(self._sync.close)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _Local:
    """In process: the same functions the HTTP routes call."""

    def __init__(self, driver: neo4j.Driver | None, database: str, tenant: str) -> None:
        from strata.api.http.memory import OwnerLocks
        from strata.api.runtime import ready
        from strata.graph.db import Graph
        from strata.graph.owners import check_tenant

        self.tenant = check_tenant(tenant)
        if driver is None:
            self.graph, self._own = ready(), False  # the process graph, shared with the CLI
        else:
            self.graph, self._own = Graph.from_driver(driver, database), True
            ready_graph(self.graph)
        self.writers = OwnerLocks()

    def _owner(self, user_id: str) -> str:
        return owner_id(self.tenant, user_id)

    def add(
        self, user_id: str, body: InteractionBody | InteractionBatch, wait: bool = False
    ) -> IngestOut:
        from strata.api.http.limits import Limits
        from strata.api.http.memory import to_interactions
        from strata.api.runtime import pipeline

        owner = self._owner(user_id)
        interactions = to_interactions(body, owner, Limits())
        with self.writers.hold(owner):
            summary = pipeline(self.graph).ingest(interactions, via="library")
        return IngestOut.model_validate(summary.as_dict())

    def search(
        self, user_id: str, query: str, k: int, as_of: datetime | None, explain: bool
    ) -> SearchOut:
        from strata.api.runtime import embedder
        from strata.ingest.masking import masker
        from strata.query.planner import Planner

        if not query.strip():
            raise errors.ValidationError("must not be blank", where="query")
        answer = Planner(self.graph, embedder(), masker(self.graph)).search(
            self._owner(user_id), query, k=k, as_of=as_of
        )
        return SearchOut.model_validate(answer.to_json(explain=explain))

    def persona(self, user_id: str, limit: int) -> PersonaOut:
        from strata.api.http.memory import persona

        return persona(self.graph, self._owner(user_id), limit)

    def export(self, user_id: str) -> list[Line]:
        from strata.api.http.export import export_pages

        pages = export_pages(self.graph, self._owner(user_id), user_id)
        return [json.loads(line) for page in pages for line in page.splitlines() if line]

    def forget(self, user_id: str) -> ForgetOut:
        from strata.api.http.erase import forget

        owner = self._owner(user_id)
        with self.writers.hold(owner):
            deleted = forget(self.graph, owner)
        return ForgetOut(user_id=user_id, nodes=sum(deleted.values()), deleted=deleted)

    def delete_interaction(self, user_id: str, interaction_id: str) -> InteractionDeleted:
        from strata.api.http.erase import delete_interaction

        owner = self._owner(user_id)
        with self.writers.hold(owner):
            turns = delete_interaction(self.graph, owner, interaction_id)
        return InteractionDeleted(user_id=user_id, interaction_id=interaction_id, turns=turns)

    def delete_message(self, user_id: str, interaction_id: str, message_id: str) -> MessageDeleted:
        from strata.api.http.erase import delete_message

        owner = self._owner(user_id)
        with self.writers.hold(owner):
            left = delete_message(self.graph, owner, user_id, interaction_id, message_id)
        return MessageDeleted(
            user_id=user_id,
            interaction_id=interaction_id,
            message_id=message_id,
            messages_left=left,
        )

    def record_run(self, user_id: str, body: RunBody) -> RunsOut:
        from strata.ingest.agent_memory import record_runs
        from strata.ingest.agent_sources import validate_run

        owner = self._owner(user_id)
        run = validate_run(body.model_dump(exclude_none=True), "run", owner)
        with self.writers.hold(owner):
            return RunsOut.model_validate(record_runs(self.graph, [run]).as_dict())

    def report_outcome(self, user_id: str, run_id: str, outcome: Outcome) -> OutcomeOut:
        from strata.ingest.agent_memory import report_outcome

        done = report_outcome(self.graph, self._owner(user_id), run_id, outcome)
        return OutcomeOut(
            run_id=done.run_id, task_id=done.task_id, success=done.success, reward=done.reward
        )

    def recall_for_task(self, user_id: str, task: str, k: int) -> RecallOut:
        from strata.api.runtime import embedder
        from strata.query.agent_recall import recall_for_task

        found = recall_for_task(self.graph, self._owner(user_id), task, k=k, embedder=embedder())
        return RecallOut.model_validate(found.as_dict())

    def close(self) -> None:
        if self._own:
            self.graph.close()


def ready_graph(graph: Any) -> None:
    """Migrations on a caller's driver, as ``ready()`` does for the process graph."""
    from strata.api.runtime import embedder
    from strata.graph.migrations import migrate

    emb = embedder()
    migrate(graph, emb.name, emb.dim)
