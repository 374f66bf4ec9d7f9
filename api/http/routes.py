"""The ``/v1/users/{user_id}`` routes: ingest, list, search, persona, graph, export, forget.

Each route is thin: resolve the owner (``<tenant>:<user>`` from the API key and the path),
call ``api.http.memory`` / ``api.http.subgraph`` / the planner, return a wire model. Every
route spends one rate-limit token of the caller's key. Blocking work runs in worker threads
(sync routes); search runs under its time budget.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import StreamingResponse

from strata.api.http import erase, memory
from strata.api.http.deps import GraphDep, OwnerDep, RateLimitDep, UserId
from strata.api.http.export import export_pages
from strata.api.http.limits import MAX_DEPTH, MAX_GRAPH_NODES, Budget
from strata.api.http.schemas import (
    ErrorOut,
    ForgetOut,
    GraphOut,
    IngestBody,
    IngestOut,
    InteractionDeleted,
    InteractionPage,
    MessageDeleted,
    NodeLabel,
    PersonaOut,
    SearchIn,
    SearchOut,
)
from strata.api.http.subgraph import subgraph

_ERROR_CODES = {
    400: "Malformed request (bad JSON, cursor or header).",
    401: "Missing or unknown API key.",
    403: "Not allowed (local mode serves loopback clients only).",
    413: "Body, interactions or messages over the limit.",
    422: "A field failed validation; `where` names it.",
    429: "Rate limit of this API key exceeded; see Retry-After.",
    503: "Neo4j unreachable, or the search time budget ran out; see Retry-After.",
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in _ERROR_CODES.items()
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "The center entity does not exist."}
}

router = APIRouter(prefix="/v1/users/{user_id}", dependencies=[RateLimitDep], responses=ERRORS)

_INGEST_EXAMPLES = {
    "one": {
        "summary": "One interaction",
        "value": {
            "id": "session-1",
            "started_at": "2024-05-08T13:56:00Z",
            "messages": [
                {"id": "m1", "speaker": "Caroline", "text": "I moved to Lisbon last month."},
                {"id": "m2", "speaker": "Melanie", "text": "How do you like it there?"},
            ],
        },
    },
    "batch": {
        "summary": "Several interactions (e.g. the lines of an export)",
        "value": {
            "interactions": [
                {
                    "id": "session-2",
                    "messages": [{"speaker": "Caroline", "text": "I don't drink coffee."}],
                }
            ]
        },
    },
}


@router.post("/interactions", tags=["memory"], summary="Ingest interactions")
def ingest(
    body: Annotated[IngestBody, Body(openapi_examples=_INGEST_EXAMPLES)],
    owner: OwnerDep,
    graph: GraphDep,
    request: Request,
    wait: Annotated[
        bool, Query(description="Answer after derived memory is up to date too (batch jobs).")
    ] = False,
) -> IngestOut:
    """Store one interaction, or ``{"interactions": [...]}``, for the user in the path.

    The answer comes once the conversations are durable and searchable; derived memory (links,
    persona traits, scenes) catches up in the background (``enrichment: pending``), unless
    ``wait=true``. Idempotent: ids are derived from your interaction and message ids (or their
    content), so sending the same interaction again changes nothing. Each interaction is
    written in one transaction: after an error, retry the request.
    """
    return memory.acknowledge(request.app.state, graph, body, owner, wait)


@router.get("/interactions", tags=["memory"], summary="List interactions, newest first")
def list_interactions(
    owner: OwnerDep,
    graph: GraphDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=400, description="next_cursor")] = None,
) -> InteractionPage:
    """A page of the user's interactions; follow ``next_cursor`` until it is null."""
    return memory.list_interactions(graph, owner, limit, cursor)


@router.post("/search", tags=["search"], summary="Search the user's memory")
async def search(body: SearchIn, owner: OwnerDep, graph: GraphDep, request: Request) -> SearchOut:
    """The planner's answer: ranked turns with provenance, contradictions among the facts they
    touch, the plan (with per-stage timings when ``explain``) and the total time."""
    from strata.api.runtime import embedder
    from strata.ingest.masking import masker
    from strata.query.planner import Planner

    planner = Planner(graph, embedder(), masker(graph))
    budget: Budget = request.app.state.search_budget
    answer = await budget.run(
        lambda: planner.search(owner, body.query, k=body.k, as_of=body.as_of),
        tenant=owner.split(":", 1)[0],
    )
    return SearchOut.model_validate(answer.to_json(explain=body.explain))


@router.get("/persona", tags=["persona"], summary="Persona facts, conflicts and traits")
def persona(
    owner: OwnerDep,
    graph: GraphDep,
    limit: Annotated[int, Query(ge=1, le=5_000, description="At most this many facts.")] = 1_000,
) -> PersonaOut:
    """Facts grouped by subject and predicate with validity (``valid_from``/``valid_to``/
    ``superseded_by``) and evidence turns; open facts that contradict; persona insights."""
    return memory.persona(graph, owner, limit)


@router.get("/graph", tags=["graph"], summary="A bounded subgraph", responses=NOT_FOUND)
def graph_view(
    owner: OwnerDep,
    graph: GraphDep,
    center: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Entity id or name; default: the most-mentioned entities.",
        ),
    ] = None,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 1,
    limit: Annotated[
        int, Query(ge=1, le=MAX_GRAPH_NODES, description="At most this many nodes.")
    ] = 100,
    labels: Annotated[list[NodeLabel] | None, Query(description="Only these node labels.")] = None,
) -> GraphOut:
    """Nodes and relationships around the center, breadth-first, for visualisation."""
    return subgraph(graph, owner, center=center, depth=depth, limit=limit, labels=labels)


@router.get(
    "/export",
    tags=["memory"],
    summary="Export as JSONL",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "One interaction per line, in the shape POST /interactions takes.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
def export(user_id: UserId, owner: OwnerDep, graph: GraphDep) -> StreamingResponse:
    """Every interaction of the user, oldest first, streamed page by page. POST the lines back
    (as ``{"interactions": [...]}``) to re-import: derived memory is derived again."""
    lines = export_pages(graph, owner, user_id)
    return StreamingResponse(
        lines,
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{user_id}.jsonl"'},
    )


@router.delete(
    "/interactions/{interaction_id}",
    tags=["memory"],
    summary="Delete one interaction",
    responses={404: {"model": ErrorOut, "description": "No such interaction."}},
)
def delete_interaction(
    user_id: UserId,
    interaction_id: Annotated[str, Path(min_length=1, max_length=200)],
    owner: OwnerDep,
    graph: GraphDep,
    request: Request,
) -> InteractionDeleted:
    """Delete one interaction (by Strata's id or the id you sent): its turns, and the facts,
    events and questions only they evidenced; supersession chains close up around them. To
    edit a message instead, send its interaction again with the same ids and the new text."""
    with request.app.state.writers.hold(owner):
        turns = erase.delete_interaction(graph, owner, interaction_id)
    return InteractionDeleted(user_id=user_id, interaction_id=interaction_id, turns=turns)


@router.delete(
    "/interactions/{interaction_id}/messages/{message_id}",
    tags=["memory"],
    summary="Delete one message",
    responses={404: {"model": ErrorOut, "description": "No such interaction or message."}},
)
def delete_message(
    user_id: UserId,
    interaction_id: Annotated[str, Path(min_length=1, max_length=200)],
    message_id: Annotated[str, Path(min_length=1, max_length=200)],
    owner: OwnerDep,
    graph: GraphDep,
    request: Request,
) -> MessageDeleted:
    """Delete one message (by the id you sent, or its 0-based position if it had none): its
    interaction is rewritten without it in one transaction, and derived memory ends as if the
    message had never been sent."""
    with request.app.state.writers.hold(owner):
        left = erase.delete_message(graph, owner, user_id, interaction_id, message_id)
    return MessageDeleted(
        user_id=user_id, interaction_id=interaction_id, message_id=message_id, messages_left=left
    )


@router.delete("", tags=["memory"], summary="Forget the user")
def forget(user_id: UserId, owner: OwnerDep, graph: GraphDep, request: Request) -> ForgetOut:
    """Delete every node (and relationship) of the user. Idempotent: forgetting an unknown or
    already forgotten user deletes nothing."""
    with request.app.state.writers.hold(owner):  # not interleaved with an ingest
        deleted = erase.forget(graph, owner)
    return ForgetOut(user_id=user_id, nodes=sum(deleted.values()), deleted=deleted)
