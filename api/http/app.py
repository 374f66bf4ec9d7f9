"""The FastAPI application: lifespan-managed driver, one JSON error shape, routers.

Error shape (every 4xx/5xx): ``{"error": {"code": "<slug>", "message": "...", "where": "..."}}``.
Each ``StrataError`` class maps to one status in ``STATUS`` (tested in tests/unit).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.http.deps import Unauthorized
from graph.db import close_graph, get_graph
from graph.errors import (
    ConfigError,
    CypherError,
    Forbidden,
    LimitExceeded,
    Neo4jUnavailable,
    NotFound,
    SchemaError,
    StrataError,
    ValidationError,
)
from graph.migrations import is_current

log = logging.getLogger("strata.api")

STATUS: dict[type[StrataError], int] = {
    ValidationError: 422,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    LimitExceeded: 413,
    Neo4jUnavailable: 503,
    SchemaError: 503,
    ConfigError: 500,
    CypherError: 500,
}


def status_for(error: StrataError) -> int:
    if isinstance(error, LimitExceeded):
        return error.status
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(code: str, message: str, where: str = "") -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message, "where": where}}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    from api.runtime import ready

    try:
        ready()  # one driver per process; migrations applied at start-up
    except Neo4jUnavailable as e:  # start anyway: /readyz says 503 until Neo4j is back
        log.warning("Neo4j not reachable at start-up: %s", e)
    yield
    close_graph()


def create_app() -> FastAPI:
    app = FastAPI(
        title="Strata",
        version="0.1.0",
        summary="Long-term memory for LLM agents on Neo4j.",
        lifespan=lifespan,
    )

    @app.exception_handler(StrataError)
    async def strata_error(_: Request, exc: StrataError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500 and status != 503:
            log.exception("internal error", exc_info=exc)
        where = getattr(exc, "where", "")
        message = (
            str(getattr(exc, "reason", exc)) if status < 500 or status == 503 else "internal error"
        )
        return JSONResponse(error_body(type(exc).__name__, message, where), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            error_body("ValidationError", str(first["msg"]), where), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(f"http_{exc.status_code}", str(exc.detail)), status_code=exc.status_code
        )

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """The process is up (does not touch Neo4j)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    def readyz() -> JSONResponse:
        """Neo4j reachable and migrations applied."""
        try:
            graph = get_graph()
            graph.verify()
            current = is_current(graph)
        except StrataError as e:
            return JSONResponse(error_body("not_ready", str(e)), status_code=503)
        if not current:
            return JSONResponse(error_body("not_ready", "migrations pending"), status_code=503)
        return JSONResponse({"status": "ready"})

    return app
