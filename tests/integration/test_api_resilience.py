"""``strata serve`` against a Neo4j that dies and comes back, driven as real processes.

The module starts its OWN Neo4j (a tmp home on free ports in 27000-27999, never the shared test
server) and ``strata serve`` processes pointed at it. Neo4j is killed with SIGKILL mid-ingest:
requests answer 503 quickly while it is down, no interaction is left half-written, the server
recovers by itself once Neo4j is back, and retried ingests never duplicate.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests_support import WAIT, derived_memory, free_ports

from strata.graph.db import Graph
from strata.graph.settings import Settings
from strata.ingest.pipeline import BATCH_TURNS

pytestmark = pytest.mark.integration

STRATA = Path(sys.executable).with_name("strata")
TENANT = "resilience"
START_TIMEOUT = 300
FAST = 5.0  # seconds: what "503 quickly" means here (generous for a loaded CI machine)


@dataclass
class Stack:
    home: Path
    env: dict[str, str]
    url: str
    key: str
    log: Path

    def neo4j(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(STRATA), "neo4j", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )

    def kill_neo4j(self) -> None:
        """SIGKILL, as a crash would (no clean shutdown)."""
        pid = int((self.home / "run" / "strata-neo4j.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.key}"}, timeout=120
        )

    def graph(self) -> Graph:
        return Graph(Settings(**_settings(self.env)))


def _settings(env: dict[str, str]) -> dict[str, Any]:
    return {
        "neo4j_home": Path(env["STRATA_NEO4J_HOME"]),
        "neo4j_bolt_port": int(env["STRATA_NEO4J_BOLT_PORT"]),
        "neo4j_http_port": int(env["STRATA_NEO4J_HTTP_PORT"]),
        "neo4j_uri": None,
    }


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"strata serve exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"strata serve not ready:\n{log.read_text(errors='replace')[-3000:]}")


def _serve(env: dict[str, str], port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(STRATA), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("resilience")
    bolt, http, api = free_ports(3)
    key = secrets.token_hex(20)
    env = {
        **os.environ,
        "STRATA_NEO4J_HOME": str(root / "neo4j"),
        "STRATA_NEO4J_BOLT_PORT": str(bolt),
        "STRATA_NEO4J_HTTP_PORT": str(http),
        "STRATA_NEO4J_URI": "",
        "STRATA_NEO4J_PASSWORD": "",
        "STRATA_NEO4J_HEAP": "512m",
        "STRATA_NEO4J_PAGECACHE": "128m",
        "STRATA_API_KEYS": f"{key}:{TENANT}",
        "STRATA_API_KEYS_FILE": "",
    }
    env.pop("STRATA_API_KEYS_FILE")
    stack = Stack(root / "neo4j", env, f"http://127.0.0.1:{api}", key, root / "serve.log")
    started = stack.neo4j("start")
    assert started.returncode == 0, started.stdout + started.stderr
    proc = _serve(env, api, stack.log)
    try:
        _wait_ready(stack.url, proc, stack.log)
        yield stack
    finally:
        _stop(proc)
        stack.neo4j("stop")


def _session(n: int, turns: int, tag: str) -> dict[str, Any]:
    return {
        "id": f"{tag}-{n}",
        "started_at": f"2024-04-{n + 1:02}T10:00:00Z",
        "messages": [
            {
                "id": f"m{j}",
                "speaker": ("Ada", "Bo")[j % 2],
                "text": f"line {j} of talk {n} on {tag}",
            }
            for j in range(turns)
        ],
    }


def _turns_per_interaction(client: httpx.Client, user: str) -> dict[str, int]:
    r = client.get(f"/v1/users/{user}/export")
    assert r.status_code == 200, r.text
    lines = [json.loads(x) for x in r.text.splitlines()]
    return {line["id"]: len(line["messages"]) for line in lines}


def test_outage_gives_quick_503s_no_half_writes_and_recovery(stack: Stack) -> None:
    user = f"u-{secrets.token_hex(6)}"
    per_session = BATCH_TURNS // 2 + 100  # two never share a batch: 3 transactions
    body = {"interactions": [_session(n, per_session, "outage") for n in range(3)]}
    expected = {it["id"]: per_session for it in body["interactions"]}
    with stack.client() as client:
        assert client.get(f"/v1/users/{user}/interactions").status_code == 200

        # Kill Neo4j while the ingest is under way.
        answer: dict[str, Any] = {}

        def ingest() -> None:
            try:
                answer["response"] = client.post(f"/v1/users/{user}/interactions", json=body)
            except httpx.HTTPError as e:  # pragma: no cover - reported below
                answer["error"] = e

        writer = threading.Thread(target=ingest)
        writer.start()
        with stack.client() as watcher:  # kill right after the first transaction committed
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and writer.is_alive():
                page = watcher.get(f"/v1/users/{user}/interactions").json()
                if page["items"]:
                    break
                time.sleep(0.2)
        stack.kill_neo4j()
        writer.join(timeout=180)
        assert "error" not in answer, answer
        assert answer["response"].status_code in (200, 503), answer["response"].text

        # Down: the process is alive, not ready, and memory routes answer 503 quickly.
        assert httpx.get(f"{stack.url}/healthz").status_code == 200
        assert httpx.get(f"{stack.url}/readyz", timeout=30).status_code == 503
        time.sleep(3)  # the server's watchdog notices within ~2 s
        for method, path, payload in [
            ("POST", f"/v1/users/{user}/search", {"query": "talk on outage"}),
            ("GET", f"/v1/users/{user}/persona", None),
            ("POST", f"/v1/users/{user}/interactions", body["interactions"][0]),
        ]:
            t0 = time.monotonic()
            r = client.request(method, path, json=payload)
            took = time.monotonic() - t0
            assert r.status_code == 503, (path, r.status_code, r.text)
            assert r.json()["error"]["code"] == "neo4j_unavailable"
            assert int(r.headers["Retry-After"]) >= 1
            assert took < FAST, (path, took)

        # Back: no restart of strata serve; it notices by itself.
        started = stack.neo4j("start")
        assert started.returncode == 0, started.stdout + started.stderr
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            r = client.post(f"/v1/users/{user}/search", json={"query": "talk on outage"})
            if r.status_code == 200:
                break
            time.sleep(1)
        assert r.status_code == 200, r.text
        assert httpx.get(f"{stack.url}/readyz", timeout=30).status_code == 200

        # Whatever landed before the crash landed whole: no interaction is partly written.
        landed = _turns_per_interaction(client, user)
        assert landed and all(landed[i] == expected[i] for i in landed), landed
        if answer["response"].status_code == 503:
            assert len(landed) < len(expected)  # it did stop part-way

        # The client retries: everything is there exactly once, and again once after a re-retry.
        for _ in range(2):
            r = client.post(f"/v1/users/{user}/interactions", params=WAIT, json=body)
            assert r.status_code == 200, r.text
            assert _turns_per_interaction(client, user) == expected
        twin = f"twin-{secrets.token_hex(6)}"  # the same sessions, ingested without a crash
        assert (
            client.post(f"/v1/users/{twin}/interactions", params=WAIT, json=body).status_code == 200
        )
    graph = stack.graph()
    try:
        turns = graph.read("api/count_turns", user_ids=[f"{TENANT}:{user}"])
        assert turns == [{"user_id": f"{TENANT}:{user}", "turns": 3 * per_session}]
        # Derived memory converged too: the crashed user's equals the clean twin's.
        crashed = derived_memory(graph, f"{TENANT}:{user}")
        assert crashed == derived_memory(graph, f"{TENANT}:{twin}")
        assert any(k == "ASSOCIATED" for k, _ in crashed["counts"])
    finally:
        graph.close()


def test_a_crash_during_enrichment_drains_once_neo4j_is_back(stack: Stack) -> None:
    """Acknowledged, then Neo4j dies while the background enrichment runs: once Neo4j is back
    the backlog drains by itself (no new write, no restart of strata serve) and the memory
    equals a clean synchronous ingest of the same sessions."""
    user, twin = f"u-{secrets.token_hex(6)}", f"twin-{secrets.token_hex(6)}"
    body = {"interactions": [_session(n, 120, "enrich") for n in range(3)]}
    with stack.client() as client:
        r = client.post(f"/v1/users/{user}/interactions", json=body)
        assert r.status_code == 200 and r.json()["enrichment"] == "pending", r.text
        stack.kill_neo4j()
        started = stack.neo4j("start")
        assert started.returncode == 0, started.stdout + started.stderr
        deadline = time.monotonic() + 180
        backlog: dict[str, Any] = {}
        while time.monotonic() < deadline:
            r = client.get("/v1/status")
            backlog = r.json().get("enrichment", {}) if r.status_code == 200 else {}
            if backlog.get("pending_users") == 0:
                break
            time.sleep(1)
        assert backlog.get("pending_users") == 0, backlog
        r = client.post(f"/v1/users/{twin}/interactions", params=WAIT, json=body)
        assert r.status_code == 200, r.text
    graph = stack.graph()
    try:
        crashed = derived_memory(graph, f"{TENANT}:{user}")
        assert crashed == derived_memory(graph, f"{TENANT}:{twin}")
        assert any(k == "Entity" for k, _ in crashed["counts"])  # extracted, not only stored
    finally:
        graph.close()


def test_local_mode_logs_and_serves_loopback(stack: Stack) -> None:
    port = free_ports(1)[0]
    env = {**stack.env, "STRATA_API_KEYS": ""}
    log = stack.log.with_name("serve-local.log")
    proc = _serve(env, port, log)
    try:
        _wait_ready(f"http://127.0.0.1:{port}", proc, log)
        r = httpx.get(f"http://127.0.0.1:{port}/v1/users/local-user/interactions")
        assert r.status_code == 200, r.text  # no key needed on loopback in local mode
    finally:
        _stop(proc)
    assert "local mode: no API keys, loopback only" in log.read_text(errors="replace")


def test_two_worker_processes_serialise_one_users_writes(stack: Stack) -> None:
    """`strata serve --workers 2`: many concurrent writes of ONE user land in two processes at
    once (an in-process lock cannot order them); Neo4j's per-owner writer lock does. Every
    request succeeds and the memory equals the same sessions ingested one by one."""
    port = free_ports(1)[0]
    log = stack.log.with_name("serve-workers.log")
    proc = _serve(stack.env, port, log, workers=2)
    url = f"http://127.0.0.1:{port}"
    tag = uuid.uuid4().hex[:6]
    sessions = [
        {
            "id": f"w{n}",
            "started_at": f"2024-03-{n + 1:02d}T10:00:00Z",
            "messages": [
                {"speaker": "Rin", "text": f"I like kayak{tag}{n % 3} and I live in Oslo{tag}."},
                {"speaker": "Teo", "text": f"Do you still paddle with Mira{tag} on Sundays?"},
                {"speaker": "Rin", "text": f"Yes, Mira{tag} and I went kayaking last week."},
            ],
        }
        for n in range(16)
    ]
    graph = stack.graph()
    try:
        _wait_ready(url, proc, log)
        headers = {"Authorization": f"Bearer {stack.key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=120) as http:

            def post(session: dict[str, Any]) -> int:
                path = f"/v1/users/busy{tag}/interactions"
                return http.post(path, params=WAIT, json=session).status_code

            with ThreadPoolExecutor(max_workers=8) as pool:
                codes = list(pool.map(post, sessions))
            assert codes == [200] * len(sessions)
            for session in sessions:  # the twin, one session at a time
                r = http.post(f"/v1/users/twin{tag}/interactions", params=WAIT, json=session)
                assert r.status_code == 200, r.text
        busy = derived_memory(graph, f"{TENANT}:busy{tag}")
        assert busy == derived_memory(graph, f"{TENANT}:twin{tag}")
        assert ("Interaction", len(sessions)) in busy["counts"]
    finally:
        _stop(proc)
        graph.close()
