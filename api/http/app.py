"""The FastAPI application: lifespan-managed driver, one JSON error shape, routers.

Error shape (every 4xx/5xx): ``{"error": {"code": "<slug>", "message": "...", "where": "..."}}``
where ``code`` is the snake_case name of the error class (``validation_error``,
``rate_limited``, ``neo4j_unavailable`` ...) or of the HTTP status (``not_found``).
Each ``StrataError`` class maps to one status in ``STATUS`` (tested in tests/unit); bad input
is never a 500. 429 and 503 answers carry ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import http
import logging
import re
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from strata import __version__
from strata.api.http.breaker import Breaker
from strata.api.http.deps import CallerDep, RateLimitDep, Unauthorized, load_api_keys
from strata.api.http.enrichment import Searches, backlog_summary, enricher
from strata.api.http.limits import (
    BodySizeLimit,
    Budget,
    Limits,
    RateLimiter,
    retry_after_header,
)
from strata.api.http.memory import OwnerLocks, acknowledge
from strata.graph.db import close_graph, get_graph
from strata.graph.errors import (
    ConfigError,
    CypherError,
    Forbidden,
    InvariantError,
    LimitExceeded,
    Neo4jUnavailable,
    NotFound,
    RateLimited,
    SchemaError,
    StaleRead,
    StrataError,
    TimeBudgetExceeded,
    ValidationError,
)
from strata.graph.group_commit import GroupCommit
from strata.graph.migrations import is_current
from strata.graph.settings import get_settings

log = logging.getLogger("strata.api")

STATUS: dict[type[StrataError], int] = {
    ValidationError: 422,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    LimitExceeded: 413,
    RateLimited: 429,
    TimeBudgetExceeded: 503,
    Neo4jUnavailable: 503,
    SchemaError: 503,
    StaleRead: 503,
    ConfigError: 500,
    CypherError: 500,
    InvariantError: 500,
}
RETRY_AFTER_S = 2.0  # what 503s caused by Neo4j suggest
READY_RETRY_S = 5.0  # how often start-up retries migrations while Neo4j is down


def status_for(error: StrataError) -> int:
    """The HTTP status of an error: its class (or nearest mapped base) in ``STATUS``."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def code_for(error: StrataError) -> str:
    """``RateLimited`` → ``rate_limited``, ``Neo4jUnavailable`` → ``neo4j_unavailable``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", type(error).__name__).lower()


def error_body(code: str, message: str, where: str = "") -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message, "where": where}}


async def _keep_trying(app: FastAPI) -> None:
    """Neo4j was down at start-up: apply migrations as soon as it answers."""
    from strata.api.runtime import ready

    while True:
        await asyncio.sleep(READY_RETRY_S)
        try:
            await anyio.to_thread.run_sync(lambda: ready(start_local=False))
        except Neo4jUnavailable:
            continue
        except StrataError as e:
            log.error("Neo4j is back but the schema is not usable: %s", e)
            return
        log.info("Neo4j is back; migrations applied")
        _start_after_start(app)
        return


def _start_after_start(app: FastAPI) -> None:
    """Warm-up and enrichment resume run beside the server: readiness does not wait for them
    (the warm-up's plans take 15-20 s on two cores); requests that come first run colder."""
    threading.Thread(target=_after_start, args=(app,), name="strata-warm-up", daemon=True).start()


def _after_start(app: FastAPI) -> None:
    """Warm up what the first request needs, then queue the users a previous run left behind
    (their marks are in the graph)."""
    from strata.api.runtime import warm_up

    try:
        log.info("warmed up: %s", warm_up(get_graph()))
        resumed = app.state.enricher.resume(get_graph())
    except StrataError as e:
        log.warning("warm-up or enrichment resume failed: %s", e)
        return
    if resumed:
        log.info("resuming enrichment of %d users", resumed)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    from strata.api.runtime import ready

    if not app.state.api_keys:
        log.warning("local mode: no API keys, loopback only")
    retry: asyncio.Task[None] | None = None
    try:
        await anyio.to_thread.run_sync(ready)  # one driver per process; migrations at start-up
    except Neo4jUnavailable as e:  # start anyway: 503s and /readyz until Neo4j is back
        log.warning("Neo4j not reachable at start-up: %s", e)
        retry = asyncio.create_task(_keep_trying(app))
    else:
        _start_after_start(app)
    watch = asyncio.create_task(app.state.breaker.watch())
    yield
    watch.cancel()
    app.state.commits.stop()
    app.state.enricher.stop()
    if retry is not None:
        retry.cancel()
    close_graph()


def create_app(*, api_keys: dict[str, str] | None = None, limits: Limits | None = None) -> FastAPI:
    """The app; keys default to the settings' (``ConfigError`` at once when they are bad)."""
    from strata.api.http.agent import router as agent_router
    from strata.api.http.analytics import router as analytics_router
    from strata.api.http.routes import router

    limits = limits or Limits(search_concurrency=get_settings().search_concurrency)
    app = FastAPI(
        title="Strata",
        version=__version__,
        summary="Long-term memory for LLM agents on Neo4j.",
        description=(
            "Send `Authorization: Bearer <API key>`; each key belongs to one tenant and user "
            'ids live inside it. Every error is `{"error": {"code", "message", '
            '"where"}}`.'
        ),
        lifespan=lifespan,
        redirect_slashes=False,  # a stray "/" is a 404, not a redirect that re-sends the key
    )
    app.state.api_keys = load_api_keys() if api_keys is None else api_keys
    app.state.limits = limits
    app.state.limiter = RateLimiter(limits.rate_per_s, limits.burst)
    searches = Searches()
    app.state.search_budget = Budget(
        limits.search_budget_s, limits.search_concurrency, searches=searches
    )
    app.state.breaker = Breaker(lambda: get_graph().verify())
    app.state.writers = OwnerLocks()
    settings = get_settings()
    app.state.commits = GroupCommit(
        busy=lambda: searches.count.value, linger=settings.commit_linger_ms / 1000
    )
    app.state.enricher = enricher(settings.enrichment, searches, settings.enrichment_busy_share)
    app.add_middleware(BodySizeLimit, max_bytes=limits.max_body_bytes)
    _add_error_handlers(app)
    _add_probes(app)
    app.include_router(router)
    app.include_router(analytics_router)
    app.include_router(agent_router)
    _add_mcp(app)
    return app


def _add_mcp(app: FastAPI) -> None:
    """The MCP server over streamable HTTP at ``/mcp``, behind the same keys and tenants."""
    from starlette.routing import Route

    from strata.api.mcp import McpEndpoint, Served

    state = app.state
    served = Served(
        add=lambda owner, body, wait: acknowledge(state, get_graph(), body, owner, wait),
        budget=state.search_budget,
    )
    endpoint = McpEndpoint(state.api_keys, served)
    app.router.routes.append(
        Route("/mcp", endpoint, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StrataError)
    async def strata_error(_: Request, exc: StrataError) -> JSONResponse:
        status = status_for(exc)
        headers: dict[str, str] = {}
        if isinstance(exc, Neo4jUnavailable):
            app.state.breaker.trip(str(exc))
            headers = retry_after_header(RETRY_AFTER_S)
        elif isinstance(exc, RateLimited | TimeBudgetExceeded):
            headers = retry_after_header(exc.retry_after)
        elif status == 503:
            headers = retry_after_header(RETRY_AFTER_S)
        elif status >= 500:
            log.error("internal error", exc_info=exc)
        where = getattr(exc, "where", "")
        shown = status < 500 or status == 503
        message = str(getattr(exc, "reason", exc)) if shown else "internal error"
        return JSONResponse(
            error_body(code_for(exc), message, where), status_code=status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": ""}
        where = ".".join(str(p) for p in first.get("loc", ()))
        if first.get("type") == "json_invalid":
            return JSONResponse(
                error_body("malformed_json", "the body is not valid JSON", where), status_code=400
            )
        return JSONResponse(
            error_body("validation_error", str(first["msg"]), where), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        try:
            code = http.HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
        except ValueError:
            code = f"http_{exc.status_code}"
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return JSONResponse(error_body("internal_error", "internal error"), status_code=500)


def _add_probes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """The process is up (does not touch Neo4j, needs no API key)."""
        return {"status": "ok"}

    @app.get("/v1/status", tags=["ops"], dependencies=[RateLimitDep])
    def status(who: CallerDep) -> dict[str, Any]:
        """Your tenant's enrichment backlog: users whose derived memory is still catching up
        with what they sent, and the age in seconds of the oldest such write."""
        return {"enrichment": backlog_summary(get_graph(), who.tenant)}

    @app.get("/readyz", tags=["ops"], responses={503: {"description": "Not ready."}})
    def readyz() -> JSONResponse:
        """Neo4j reachable and migrations applied (needs no API key)."""
        try:
            graph = get_graph()
            graph.verify()
            current = is_current(graph)
        except StrataError as e:
            return JSONResponse(error_body("not_ready", str(e)), status_code=503)
        if not current:
            return JSONResponse(error_body("not_ready", "migrations pending"), status_code=503)
        return JSONResponse({"status": "ready"})
