"""The HTTP error contract, without Neo4j: every error class → its status and one JSON shape;
auth, rate limit, body limit, breaker and key parsing. (No request here reaches Neo4j: each
fails before a route's work starts, or hits a test-only route.)

The app runs under a real uvicorn in a thread (lifespan off: it would start Neo4j), and the
tests talk HTTP to it with httpx, as a client would.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from tests_support import running

from strata.api.http.app import STATUS, code_for, create_app, status_for
from strata.api.http.breaker import Breaker
from strata.api.http.deps import is_loopback_host, load_api_keys
from strata.api.http.limits import Limits, RateLimiter
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
    Unauthorized,
    ValidationError,
)
from strata.graph.settings import Settings

KEY = "unit-test-key-0123456789"
EXPECTED: dict[type[StrataError], tuple[int, str]] = {
    StrataError: (500, "strata_error"),
    ConfigError: (500, "config_error"),
    CypherError: (500, "cypher_error"),
    InvariantError: (500, "invariant_error"),
    Neo4jUnavailable: (503, "neo4j_unavailable"),
    SchemaError: (503, "schema_error"),
    StaleRead: (503, "stale_read"),
    ValidationError: (422, "validation_error"),
    NotFound: (404, "not_found"),
    Forbidden: (403, "forbidden"),
    Unauthorized: (401, "unauthorized"),
    LimitExceeded: (413, "limit_exceeded"),
    RateLimited: (429, "rate_limited"),
    TimeBudgetExceeded: (503, "time_budget_exceeded"),
}


def _all_subclasses(cls: type[StrataError]) -> set[type[StrataError]]:
    out = {cls}
    for sub in cls.__subclasses__():
        out |= _all_subclasses(sub)
    return out


def _instance(cls: type[StrataError]) -> StrataError:
    if cls is RateLimited:
        return RateLimited(retry_after=0.2)
    if cls is TimeBudgetExceeded:
        return TimeBudgetExceeded(10.0)
    if cls is ValidationError:
        return ValidationError("bad thing", where="body.k")
    return cls("something went wrong")


@pytest.fixture
def app() -> FastAPI:
    app = create_app(api_keys={KEY: "unit"}, limits=Limits(max_body_bytes=4_000))

    @app.get("/boom/{name}")
    def boom(name: str) -> None:
        raise _instance(next(c for c in EXPECTED if c.__name__ == name))

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    return app


@contextmanager
def http(app: FastAPI, key: str | None = KEY) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with running(app) as url, httpx.Client(base_url=url, headers=headers) as client:
        yield client


@pytest.fixture
def client(app: FastAPI) -> Iterator[httpx.Client]:
    with http(app) as client:
        yield client


def test_every_error_class_has_a_tested_status() -> None:
    """A new StrataError subclass must be added here (and so get a deliberate status)."""
    import strata.api.http.limits  # noqa: F401  (defines subclasses)

    assert _all_subclasses(StrataError) == set(EXPECTED)
    for cls, (status, code) in EXPECTED.items():
        error = _instance(cls)
        assert status_for(error) == status, cls
        assert code_for(error) == code, cls
        if isinstance(error, LimitExceeded):
            assert error.status == status, cls  # its own status attribute agrees
    assert set(STATUS) <= set(EXPECTED)


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda c: c.__name__)
def test_each_error_class_becomes_its_status_and_the_one_shape(
    client: httpx.Client, cls: type[StrataError]
) -> None:
    status, code = EXPECTED[cls]
    r = client.get(f"/boom/{cls.__name__}")
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "where"}
    assert body["error"]["code"] == code
    if status == 500:  # internals are not shown
        assert body["error"]["message"] == "internal error"
    else:
        assert body["error"]["message"]
    if status in (429, 503):
        assert int(r.headers["Retry-After"]) >= 1


def test_validation_error_names_the_field(client: httpx.Client) -> None:
    r = client.get("/boom/ValidationError")
    assert r.json()["error"] == {
        "code": "validation_error",
        "message": "bad thing",
        "where": "body.k",
    }


def test_an_unexpected_exception_is_a_500_in_the_same_shape(client: httpx.Client) -> None:
    r = client.get("/crash")
    assert r.status_code == 500
    assert r.json() == {
        "error": {"code": "internal_error", "message": "internal error", "where": ""}
    }


def test_unknown_route_and_method_use_the_shape(client: httpx.Client) -> None:
    r = client.get("/v1/nowhere")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.put("/v1/users/alice/search", json={})
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


# ---- auth -----------------------------------------------------------------------------------


def test_missing_or_unknown_key_is_401(app: FastAPI) -> None:
    with http(app, key=None) as client:
        for header in [
            None,
            "",
            "Bearer",
            "Basic abc",
            "Bearer '",
            f"Bearer {KEY}x",
            f"Token {KEY}",
        ]:
            headers = {} if header is None else {"Authorization": header}
            r = client.post("/v1/users/alice/search", json={"query": "x"}, headers=headers)
            assert r.status_code == 401, header
            assert r.json()["error"]["code"] == "unauthorized"


def test_openapi_declares_the_bearer_key_on_every_memory_route(app: FastAPI) -> None:
    doc = app.openapi()
    assert doc["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key of your tenant.",
    }
    for path, ops in doc["paths"].items():
        for op in ops.values():
            secured = op.get("security") == [{"HTTPBearer": []}]
            assert secured == path.startswith("/v1/"), path
    assert sum(name.endswith("PersonaFactOut") for name in doc["components"]["schemas"]) == 1


def test_probes_need_no_key(app: FastAPI) -> None:
    with http(app, key=None) as client:
        assert client.get("/healthz").json() == {"status": "ok"}


def test_local_mode_serves_loopback_clients_only() -> None:
    with http(create_app(api_keys={}), key=None) as client:
        # A remote client behind a reverse proxy on this host (uvicorn trusts 127.0.0.1's
        # X-Forwarded-For), so the app sees the remote address.
        r = client.post(
            "/v1/users/alice/search",
            json={"query": "x", "k": 0},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        r = client.post("/v1/users/alice/search", json={"query": "x", "k": 0})
        assert r.status_code == 422  # past auth; stopped by validation before any Neo4j work


def test_api_keys_parse_tenants_bare_keys_and_files(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text("# comment\nfile-key-0123456789abc:tenant_b\n\n", encoding="utf-8")
    settings = Settings(
        api_keys="a-key-0123456789abcdef:tenant-a, bare-key-0123456789ab", api_keys_file=keys_file
    )
    assert load_api_keys(settings) == {
        "a-key-0123456789abcdef": "tenant-a",
        "bare-key-0123456789ab": "default",
        "file-key-0123456789abc": "tenant_b",
    }
    for bad in ("short:tenant", "long-enough-key-0123:bad tenant", "long-enough-key-0123:"):
        with pytest.raises(ConfigError) as caught:
            load_api_keys(Settings(api_keys=bad))
        assert bad.split(":")[0] not in str(caught.value)  # never echo a key
    with pytest.raises(ConfigError, match="STRATA_API_KEYS_FILE"):
        load_api_keys(Settings(api_keys_file=tmp_path / "missing"))


def test_loopback_hosts() -> None:
    assert all(map(is_loopback_host, ["127.0.0.1", "127.5.0.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback_host, ["0.0.0.0", "::", "10.0.0.1", "example.com", ""]))


# ---- limits ---------------------------------------------------------------------------------


def test_rate_limit_is_a_token_bucket_per_key() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    for _ in range(3):
        limiter.take("a")
    with pytest.raises(RateLimited) as caught:
        limiter.take("a")
    assert caught.value.retry_after == pytest.approx(0.5)
    limiter.take("b")  # another key has its own bucket
    now[0] += 0.5  # one token back
    limiter.take("a")
    with pytest.raises(RateLimited):
        limiter.take("a")


def test_rate_limit_answers_429_with_retry_after() -> None:
    app = create_app(api_keys={KEY: "unit"}, limits=Limits(rate_per_s=0.01, burst=2))
    with http(app) as client:
        statuses = [
            client.post("/v1/users/alice/search", json={"k": 0}).status_code for _ in range(3)
        ]
        assert statuses == [422, 422, 429]
        r = client.post("/v1/users/alice/search", json={"k": 0})
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) >= 1


def test_body_over_the_limit_is_413_by_content_length(client: httpx.Client) -> None:
    r = client.post("/v1/users/alice/interactions", content=b"x" * 4_001)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_body_over_the_limit_is_413_when_streamed_without_length(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"y" * 100

    r = client.post("/v1/users/alice/interactions", content=chunks())
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_a_non_numeric_content_length_is_400_before_the_app_runs() -> None:
    """(HTTP servers usually reject this themselves; the middleware does not rely on it.)"""
    import anyio
    from starlette.types import Message, Receive, Scope, Send

    from strata.api.http.limits import BodySizeLimit

    sent: list[Message] = []
    called = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        called.append(True)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "headers": [(b"content-length", b"two")]}
    anyio.run(BodySizeLimit(app, 100), scope, receive, send)
    assert not called
    assert sent[0]["status"] == 400
    assert b'"code": "bad_request"' in sent[1]["body"]


def test_malformed_json_is_400_and_bad_fields_422(client: httpx.Client) -> None:
    r = client.post(
        "/v1/users/alice/search",
        content=b'{"query": ',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    for body, where in [
        ({"query": "x", "k": 101}, "body.k"),
        ({"query": "x", "k": 0}, "body.k"),
        ({"query": "x" * 2_001}, "body.query"),
        ({"query": "   "}, "body.query"),
        ({"query": "x", "as_of": "yesterday"}, "body.as_of"),
        ({"query": "x", "user_id": "bob"}, "body.user_id"),
    ]:
        r = client.post("/v1/users/alice/search", json=body)
        assert r.status_code == 422, body
        assert r.json()["error"]["where"] == where, body


@pytest.mark.parametrize("user_id", ["a b", "a'b", "x" * 129, "a:b", "ü"])
def test_bad_user_ids_are_422(client: httpx.Client, user_id: str) -> None:
    r = client.post(f"/v1/users/{user_id}/search", json={"query": "x"})
    assert r.status_code == 422
    assert r.json()["error"]["where"] == "path.user_id"


# ---- breaker --------------------------------------------------------------------------------


def test_breaker_fails_fast_while_down_and_closes_when_back() -> None:
    import anyio

    now = [0.0]
    up = [False]
    probes = [0]

    def probe() -> None:
        probes[0] += 1
        if not up[0]:
            raise Neo4jUnavailable("down")

    breaker = Breaker(probe, probe_every=1.0, clock=lambda: now[0])

    async def scenario() -> None:
        await breaker.check()  # closed: no probe
        assert probes[0] == 0
        breaker.trip("down")
        with pytest.raises(Neo4jUnavailable):
            await breaker.check()  # probes at once, fails
        with pytest.raises(Neo4jUnavailable):
            await breaker.check()  # within probe_every: no probe, fails fast
        assert probes[0] == 1
        up[0] = True
        now[0] += 1.0
        await breaker.check()  # probes, Neo4j is back: closed
        assert probes[0] == 2 and not breaker.open
        await breaker.check()
        assert probes[0] == 2
        # Busy, not down: a request ran out of retries, but the probe passes → no 503s.
        breaker.trip("busy, retries exhausted")
        await breaker.check()
        assert probes[0] == 3 and not breaker.open and not breaker.down

    anyio.run(scenario)


def test_serve_refuses_a_public_host_without_keys() -> None:
    strata = Path(sys.executable).with_name("strata")
    env = {"PATH": "/usr/bin:/bin", "STRATA_API_KEYS": "", "HOME": str(Path.home())}
    done = subprocess.run(
        [str(strata), "serve", "--host", "0.0.0.0", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "refusing to listen on 0.0.0.0 without API keys" in done.stderr


def test_writers_of_one_owner_take_turns_and_other_owners_do_not_wait() -> None:
    from strata.api.http.memory import OwnerLocks

    locks = OwnerLocks()
    inside: dict[str, int] = {"a": 0, "b": 0}
    most: dict[str, int] = {"a": 0, "b": 0}
    both_at_once = threading.Event()
    guard = threading.Lock()

    def write(owner: str) -> None:
        with locks.hold(owner):
            with guard:
                inside[owner] += 1
                most[owner] = max(most[owner], inside[owner])
                if inside["a"] and inside["b"]:
                    both_at_once.set()
            time.sleep(0.05)
            with guard:
                inside[owner] -= 1

    threads = [threading.Thread(target=write, args=(o,)) for o in "abababab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == {"a": 1, "b": 1}  # one writer per owner at a time
    assert both_at_once.is_set()  # but different owners overlap
    assert locks._locks == {}  # nothing left behind
