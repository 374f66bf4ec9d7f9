"""``strata bench load``: many concurrent clients mixing ingest and search over HTTP.

Starts ``strata serve`` on a free loopback port with fresh keys for a fresh tenant (or targets
``--url`` with ``--key``), gives every benchmark user ``history`` interactions and waits for their
enrichment, then runs ``clients`` async httpx clients (one key and one connection each) for
``seconds``. Each request is an ingest (one new interaction of ``MESSAGES`` messages) with
probability ``ingest_share``, else a search. With ingest, the same clients first run a
search-only phase of the same length over the same users and server (after a short untimed
search warm-up), so one run gives both the search-only p95 and the ratio to it.

Reports throughput, p50/p95/p99 latency per operation, errors, and the lost-write check: turns
acknowledged by 200 answers vs turns stored in Neo4j for those users (equal when nothing was
lost; interaction ids are unique, so nothing can be double-counted).

This is a benchmark: it reports numbers and exits non-zero on errors or a mismatch; it asserts
no timings.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from strata.bench.api_server import ApiServer
from strata.graph.errors import ConfigError, StrataError

MESSAGES = 8
# A user's memory before the load: 50 interactions = 400 turns. A search over a near-empty user
# (one interaction) costs about half of one over a user past ~100 turns, so a search-only phase
# over such users would compare the load with searches of a different kind.
HISTORY = 50
SETTLE_S = 10.0  # untimed search-only load before the baseline (plans, JIT, caches warm)
REQUEST_TIMEOUT_S = 120.0

_PEOPLE = ["Caroline", "Melanie", "Jon", "Gina", "Audrey", "Andrew", "Nate", "Joanna"]
_PLACES = ["Lisbon", "Porto", "Berlin", "Boston", "Madrid", "Oslo", "Denver", "Kyoto"]
_THINGS = ["painting", "hiking", "coffee", "jazz", "pottery", "chess", "yoga", "sushi"]
_JOBS = ["nurse", "teacher", "engineer", "baker", "designer", "pilot"]
_LINES = [
    "I moved to {place} last month and I love it.",
    "I really like {thing}, I do it every weekend.",
    "I don't like {thing} anymore, it got boring.",
    "I work as a {job} now, it is demanding.",
    "My sister {person} lives in {place}.",
    "Last Saturday I went to a {thing} class with {person}.",
    "We are planning a trip to {place} next summer.",
    "Did you see {person} at the {thing} club yesterday?",
]
_QUESTIONS = [
    "Where does {person} live?",
    "What does {person} like?",
    "When did {person} go to the {thing} class?",
    "What is {person}'s job?",
    "Who lives in {place}?",
    "What are the plans for next summer?",
]


@dataclass(frozen=True)
class LoadConfig:
    url: str | None = None
    keys: tuple[str, ...] = ()
    tenant: str = "default"
    seconds: float = 60.0
    clients: int = 32
    users: int = 8
    ingest_share: float = 0.3
    history: int = HISTORY  # interactions each user holds before the timed load (enriched first)
    baseline: bool = True  # with ingest: a search-only phase first, same users and server
    keep: bool = False
    seed: int = 0


@dataclass
class OpStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what[:300])

    def summary(self, elapsed_s: float) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)
        return {
            "requests": len(lat),
            "errors": self.errors,
            "per_s": round(len(lat) / elapsed_s, 2) if elapsed_s else 0.0,
            "p50_ms": _percentile(lat, 50),
            "p95_ms": _percentile(lat, 95),
            "p99_ms": _percentile(lat, 99),
            "error_samples": self.error_samples,
        }


@dataclass
class LoadReport:
    config: LoadConfig
    elapsed_s: float
    ops: dict[str, OpStats]
    turns_acked: int
    turns_stored: int
    server: str
    enrichment_caught_up_s: float | None = None  # None: still behind after CATCH_UP_LIMIT_S
    baseline: OpStats | None = None  # the search-only phase's searches
    baseline_s: float = 0.0

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.ops.values()) + (
            self.baseline.errors if self.baseline else 0
        )

    @property
    def search_p95_ratio(self) -> float | None:
        """The load's search p95 over the search-only phase's (None without both)."""
        if self.baseline is None:
            return None
        load, alone = (
            _percentile(sorted(s.latencies_ms), 95) for s in (self.ops["search"], self.baseline)
        )
        return round(load / alone, 2) if load and alone else None

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.turns_acked == self.turns_stored

    def as_dict(self) -> dict[str, Any]:
        total = sum(len(s.latencies_ms) for s in self.ops.values())
        return {
            "server": self.server,
            "clients": self.config.clients,
            "users": self.config.users,
            "seconds": round(self.elapsed_s, 1),
            "ingest_share": self.config.ingest_share,
            "requests": total,
            "requests_per_s": round(total / self.elapsed_s, 2) if self.elapsed_s else 0.0,
            "errors": self.errors,
            "ops": {name: s.summary(self.elapsed_s) for name, s in self.ops.items()},
            "turns_acknowledged": self.turns_acked,
            "turns_in_neo4j": self.turns_stored,
            "enrichment_caught_up_s": self.enrichment_caught_up_s,
            "history": self.config.history,
            "baseline": None
            if self.baseline is None
            else {
                "seconds": round(self.baseline_s, 1),
                "search": self.baseline.summary(self.baseline_s),
            },
            "search_p95_ratio": self.search_p95_ratio,
            "ok": self.ok,
        }

    def as_markdown(self) -> str:
        d = self.as_dict()
        lines = [
            f"{d['clients']} clients, {d['users']} users, {d['seconds']} s, "
            f"ingest share {d['ingest_share']}: {d['requests']} requests "
            f"({d['requests_per_s']}/s), {d['errors']} errors",
            "",
            "| operation | requests | per s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|---|",
        ]
        rows = list(d["ops"].items())
        if d["baseline"] is not None:
            rows.insert(0, ("search, search-only phase", d["baseline"]["search"]))
        for name, s in rows:
            lines.append(
                f"| {name} | {s['requests']} | {s['per_s']} | {s['p50_ms']} | {s['p95_ms']} "
                f"| {s['p99_ms']} | {s['errors']} |"
            )
        lines += [
            "",
            f"users held {d['history']} interactions each before the load"
            + (
                f"; search p95 with ingest / search-only: {d['search_p95_ratio']}x"
                if d["search_p95_ratio"] is not None
                else ""
            ),
            f"turns acknowledged: {d['turns_acknowledged']}, turns in Neo4j: "
            f"{d['turns_in_neo4j']} ({'equal' if d['ok'] else 'MISMATCH or errors'})",
            f"enrichment caught up {d['enrichment_caught_up_s']} s after the load ended",
        ]
        return "\n".join(lines)


def run(config: LoadConfig, progress: Callable[[str], object] = print) -> LoadReport:
    """Run the benchmark end to end (server start/stop, warm-up, load, count check)."""
    if config.url is not None and not config.keys:
        raise ConfigError("--url needs at least one --key (one per client is best)")
    tag = uuid.uuid4().hex[:8]
    tenant = config.tenant if config.url else f"bench-{tag}"
    keys = list(config.keys) or [secrets.token_hex(24) for _ in range(config.clients)]
    users = [f"load-{tag}-{i}" for i in range(config.users)]
    server = None if config.url else ApiServer.start(keys, tenant, progress)
    url = config.url or (server.url if server else "")
    try:
        acked: dict[str, int] = {u: 0 for u in users}
        progress(f"warming up {len(users)} users at {url} ({config.history} interactions each)")
        asyncio.run(_warm_up(url, keys[0], users, acked, config.history))
        _caught_up(url, keys[0])  # the timed load starts with no enrichment behind
        baseline, baseline_s = None, 0.0
        if config.baseline and config.ingest_share > 0:
            searches = replace(config, ingest_share=0.0)
            settle, _ = asyncio.run(
                _drive(url, keys, users, replace(searches, seconds=_settle(config)), acked)
            )
            if settle["search"].errors:
                raise StrataError(f"search warm-up failed: {settle['search'].error_samples[0]}")
            progress(f"{config.clients} clients for {config.seconds:g} s, search only")
            phase, baseline_s = asyncio.run(_drive(url, keys, users, searches, acked))
            baseline = phase["search"]
        progress(f"{config.clients} clients for {config.seconds:g} s")
        ops, elapsed = asyncio.run(_drive(url, keys, users, config, acked))
        caught_up = _caught_up(url, keys[0])
        stored = _stored_turns([f"{tenant}:{u}" for u in users])
        if not config.keep:
            _forget(url, keys[0], users)
    finally:
        if server is not None:
            server.stop()
    return LoadReport(
        config=config,
        elapsed_s=elapsed,
        ops=ops,
        turns_acked=sum(acked.values()),
        turns_stored=sum(stored.values()),
        server=url,
        enrichment_caught_up_s=caught_up,
        baseline=baseline,
        baseline_s=baseline_s,
    )


def _settle(config: LoadConfig) -> float:
    return min(SETTLE_S, config.seconds / 6)


# ---- the load ---------------------------------------------------------------------------------


CATCH_UP_LIMIT_S = 600.0


def _caught_up(url: str, key: str) -> float | None:
    """Seconds from now until the tenant's enrichment backlog is empty (GET /v1/status)."""
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
        while time.perf_counter() - started < CATCH_UP_LIMIT_S:
            r = client.get("/v1/status", timeout=30)
            if r.status_code == 200 and r.json()["enrichment"]["pending_users"] == 0:
                return round(time.perf_counter() - started, 2)
            time.sleep(0.2)
    return None


async def _warm_up(
    url: str, key: str, users: list[str], acked: dict[str, int], history: int
) -> None:
    rng = random.Random(-1)
    async with _client(url, key) as client:
        for n in range(history):
            for user in users:
                body = _interaction(rng, -1 - n)
                r = await client.post(f"/v1/users/{user}/interactions", json=body)
                if r.status_code != 200:
                    raise StrataError(f"warm-up ingest failed: {r.status_code} {r.text[:300]}")
                acked[user] += int(r.json()["turns"])


async def _drive(
    url: str, keys: list[str], users: list[str], config: LoadConfig, acked: dict[str, int]
) -> tuple[dict[str, OpStats], float]:
    ops = {"ingest": OpStats(), "search": OpStats()}
    started = time.perf_counter()
    deadline = started + config.seconds

    async def one_client(n: int) -> None:
        rng = random.Random(config.seed * 1_000 + n)
        async with _client(url, keys[n % len(keys)]) as client:
            seq = 0
            while time.perf_counter() < deadline:
                seq += 1
                user = rng.choice(users)
                if rng.random() < config.ingest_share:
                    await _ingest(client, user, _interaction(rng, n * 100_000 + seq), ops, acked)
                else:
                    await _search(client, user, _question(rng), ops["search"])

    await asyncio.gather(*(one_client(n) for n in range(config.clients)))
    return ops, time.perf_counter() - started


async def _ingest(
    client: httpx.AsyncClient,
    user: str,
    body: dict[str, Any],
    ops: dict[str, OpStats],
    acked: dict[str, int],
) -> None:
    r = await _timed_post(client, f"/v1/users/{user}/interactions", body, ops["ingest"])
    if r is not None:
        acked[user] += int(r.json()["turns"])


async def _search(client: httpx.AsyncClient, user: str, query: str, stats: OpStats) -> None:
    await _timed_post(client, f"/v1/users/{user}/search", {"query": query, "k": 10}, stats)


async def _timed_post(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], stats: OpStats
) -> httpx.Response | None:
    """POST ``body``; its latency (when it got an answer) and failure go into ``stats``.

    Returns the response when it is a 200, else ``None``.
    """
    t0 = time.perf_counter()
    try:
        r = await client.post(path, json=body)
    except httpx.HTTPError as e:
        stats.fail(f"{type(e).__name__}: {e}")
        return None
    stats.latencies_ms.append((time.perf_counter() - t0) * 1000)
    if r.status_code != 200:
        stats.fail(f"{r.status_code} {r.text}")
        return None
    return r


def _client(url: str, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=REQUEST_TIMEOUT_S,
        limits=httpx.Limits(max_connections=1),
    )


def _interaction(rng: random.Random, n: int) -> dict[str, Any]:
    a, b = rng.sample(_PEOPLE, 2)
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(500_000))
    messages = []
    for i in range(MESSAGES):
        text = rng.choice(_LINES).format(
            place=rng.choice(_PLACES),
            thing=rng.choice(_THINGS),
            job=rng.choice(_JOBS),
            person=rng.choice(_PEOPLE),
        )
        messages.append({"id": f"m{i}", "speaker": (a, b)[i % 2], "text": text})
    return {
        "id": f"load-{n}-{uuid.uuid4().hex[:12]}",
        "started_at": start.isoformat(),
        "messages": messages,
    }


def _question(rng: random.Random) -> str:
    return rng.choice(_QUESTIONS).format(
        person=rng.choice(_PEOPLE), place=rng.choice(_PLACES), thing=rng.choice(_THINGS)
    )


def _percentile(sorted_ms: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_ms:
        return None
    rank = max(1, -(-len(sorted_ms) * p // 100))
    return round(sorted_ms[int(rank) - 1], 1)


# ---- checks and clean-up ----------------------------------------------------------------------


def _stored_turns(owners: list[str]) -> dict[str, int]:
    from strata.graph.db import get_graph

    rows = get_graph().read("api/count_turns", user_ids=owners)
    return {r["user_id"]: r["turns"] for r in rows}


def _forget(url: str, key: str, users: list[str]) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=300) as c:
        for user in users:
            c.delete(f"/v1/users/{user}").raise_for_status()
