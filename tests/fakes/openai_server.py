"""A scripted stand-in for an OpenAI-compatible API, served on loopback by uvicorn.

It answers ``POST /v1/chat/completions`` and ``POST /v1/embeddings`` with OpenAI-shaped JSON,
but it never invents an answer: each request pops the next ``Canned`` reply the test queued for
that endpoint (valid content, malformed content, an HTTP error, a slow reply). A request with
nothing queued gets HTTP 418, which the OpenAI client does not retry, so a missing script shows
up as a failure rather than as a plausible answer. Every request body is recorded.

Tests import the ``openai_stub`` fixture (``from fakes.openai_server import openai_stub``), or
use ``serve()`` directly.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

CHAT = "/v1/chat/completions"
EMBEDDINGS = "/v1/embeddings"


@dataclass(frozen=True)
class Canned:
    """One scripted reply. ``status`` != 200 sends an OpenAI error body instead."""

    status: int = 200
    content: str | None = None  # chat: the assistant message content, sent verbatim
    vectors: tuple[tuple[float, ...], ...] = ()  # embeddings: one row per input
    delay: float = 0.0  # seconds to wait before answering


def chat_json(payload: object) -> Canned:
    """A chat reply whose content is ``payload`` serialised as JSON."""
    return Canned(content=json.dumps(payload))


def chat_text(text: str) -> Canned:
    """A chat reply with this exact content (use it for malformed JSON or plain text)."""
    return Canned(content=text)


def embeddings(vectors: list[list[float]]) -> Canned:
    return Canned(vectors=tuple(tuple(v) for v in vectors))


def http_error(status: int = 500) -> Canned:
    return Canned(status=status)


def slow(reply: Canned, seconds: float) -> Canned:
    return replace(reply, delay=seconds)


@dataclass(frozen=True)
class Recorded:
    path: str
    body: dict[str, Any]


@dataclass
class StubServer:
    """Queues of scripted replies per endpoint, plus every request received."""

    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _queues: dict[str, deque[Canned]] = field(
        default_factory=lambda: {CHAT: deque(), EMBEDDINGS: deque()}
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script_chat(self, *replies: Canned) -> None:
        with self._lock:
            self._queues[CHAT].extend(replies)

    def script_embeddings(self, *replies: Canned) -> None:
        with self._lock:
            self._queues[EMBEDDINGS].extend(replies)

    def received(self, path: str) -> list[dict[str, Any]]:
        with self._lock:
            return [r.body for r in self.requests if r.path == path]

    def pending(self, path: str) -> int:
        with self._lock:
            return len(self._queues[path])

    def take(self, path: str, body: dict[str, Any]) -> Canned | None:
        with self._lock:
            self.requests.append(Recorded(path, body))
            queue = self._queues[path]
            return queue.popleft() if queue else None


def _error(status: int, message: str) -> JSONResponse:
    body = {"error": {"message": message, "type": "server_error", "param": None, "code": None}}
    # A tiny retry-after keeps the client's bounded retry fast in tests.
    return JSONResponse(body, status_code=status, headers={"retry-after-ms": "10"})


def _chat_body(request: dict[str, Any], content: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", ""),
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _encode(vector: tuple[float, ...], encoding: str) -> list[float] | str:
    if encoding != "base64":
        return list(vector)
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def _embeddings_body(request: dict[str, Any], vectors: tuple[tuple[float, ...], ...]) -> Any:
    encoding = str(request.get("encoding_format") or "float")
    data = [
        {"object": "embedding", "index": i, "embedding": _encode(v, encoding)}
        for i, v in enumerate(vectors)
    ]
    return {
        "object": "list",
        "data": data,
        "model": request.get("model", ""),
        "usage": {"prompt_tokens": 0, "total_tokens": 0},
    }


def build_app(stub: StubServer) -> FastAPI:
    """The FastAPI app answering from ``stub``'s queues."""
    app = FastAPI()

    async def answer(path: str, request: Request) -> JSONResponse:
        body = await request.json()
        reply = stub.take(path, body)
        if reply is None:
            return _error(418, f"stand-in: no reply scripted for {path}")
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status != 200:
            return _error(reply.status, f"stand-in: scripted HTTP {reply.status}")
        if path == CHAT:
            return JSONResponse(_chat_body(body, reply.content))
        return JSONResponse(_embeddings_body(body, reply.vectors))

    @app.post(CHAT)
    async def chat(request: Request) -> JSONResponse:
        return await answer(CHAT, request)

    @app.post(EMBEDDINGS)
    async def embed(request: Request) -> JSONResponse:
        return await answer(EMBEDDINGS, request)

    return app


@contextmanager
def serve() -> Iterator[StubServer]:
    """Run a fresh stand-in on a free loopback port for the duration of the block."""
    stub = StubServer()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    stub.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    config = uvicorn.Config(
        build_app(stub),
        log_level="warning",
        access_log=False,
        http="h11",
        ws="none",
        lifespan="off",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        yield stub
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the OpenAI stand-in did not start")
        time.sleep(0.01)


@pytest.fixture
def openai_stub() -> Iterator[StubServer]:
    """A running stand-in; script it with ``script_chat`` / ``script_embeddings``."""
    with serve() as stub:
        yield stub
