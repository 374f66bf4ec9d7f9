"""Scale: one database of ~1,000,000 turns (10,000 users, one of them with 200,000 turns).

``strata bench scale`` builds the users with ``strata.ingest.synthetic`` and the project's batch
writer (``graph.store.write_batch``; no extraction): turns that say varied sentences over a
pseudo-word vocabulary, every unit embedded by the configured embedder (so the vector indexes hold
distinct vectors, not one repeated direction), several users per transaction. Users already
complete are skipped (``fresh`` writes them again: MERGE on stable ids, the same rows).

Then, through the library's in-process ``Memory`` (the planner with the default preset, as a user
calls it), after warm-up calls: warm search latency for random small users and for the big user
with questions built from words one of the user's turns says (every search must return items:
the benchmark stops otherwise), the share of questions whose source turn is in the top 10, the
planner's stage times, one real 20-message session ingested through the normal pipeline (with
extraction and memory maintenance) into a small user and into the big one, the size of the
database directory and the Neo4j heap. It reports; it never asserts a speed.
"""

from __future__ import annotations

import queue
import random
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from strata.graph.db import Graph
from strata.graph.errors import StrataError
from strata.graph.settings import get_settings
from strata.graph.store import Batch, write_batch
from strata.ingest.synthetic import CITIES, SynthSpec, said, synthesize

TENANT = "scale"
TURNS_PER_INTERACTION = 20
QUESTIONS = (
    "What did we say about {a} and {b}?",
    "When did Alex talk about {a} {b}?",
    "Tell me about {a}, {b} and {c}",
    "Who mentioned {a} in {city}?",
    "Do you remember the {a} {b} thing?",
)
SESSION = (  # one real session: persona statements, events, a question (extraction runs)
    "I moved to {city} last month for the new job.",
    "Nice! How is the flat there?",
    "Small but bright. My sister Ana visits next week.",
    "Does Ana still play chess every Sunday?",
    "She does, and she started cycling to work too.",
    "I love jazz, we should find a club in {city}.",
    "My favourite food is sushi, by the way.",
    "Remember the {a} we talked about?",
    "Yes, the {a} with the {b}.",
    "I finished the marathon on Saturday in 4 hours.",
    "Congratulations! Was it your first one?",
    "My second. The first was in Berlin two years ago.",
    "I am allergic to peanuts, so careful with the snacks.",
    "Noted. Do you still work at Acme?",
    "No, I joined Globex in {city} in March.",
    "What does Sam think about the move?",
    "Sam is happy, he wants to visit in May.",
    "I will turn 35 next month.",
    "Let's plan a dinner for your birthday then.",
    "Great, I prefer Italian food.",
)


@dataclass(frozen=True)
class ScaleConfig:
    users: int = 10_000  # small users
    turns: int = 80  # per small user
    big_turns: int = 200_000
    searches: int = 200  # measured searches per kind (small users, big user)
    warmup: int = 20  # unmeasured searches per kind first
    batch_turns: int = 4_000  # turns per write transaction
    writers: int = 3  # threads writing small users' batches (a big user gets one of its own)
    fresh: bool = False  # write every user again (else skip the complete ones)
    seed: int = 16
    ingest: bool = True  # also time one session ingest into a small user and the big one
    big_first: bool = True  # write the big user before any small user (else side by side)
    build_seconds: float = 0.0  # > 0: stop starting small users' batches after this long


def small_spec(i: int, cfg: ScaleConfig, dim: int) -> SynthSpec:
    return SynthSpec(
        owner=f"{TENANT}:small-{i:05d}", turns=cfg.turns,
        turns_per_interaction=TURNS_PER_INTERACTION, entities=20, clusters=2, days=365,
        subjects=2, dim=dim, seed=i, talk=True,
    )  # fmt: skip


def big_spec(cfg: ScaleConfig, dim: int) -> SynthSpec:
    return SynthSpec(
        owner=f"{TENANT}:big-{cfg.big_turns}", turns=cfg.big_turns,
        turns_per_interaction=TURNS_PER_INTERACTION, entities=2_000, clusters=20, days=730,
        bridge=0.05, subjects=12, move_every=10, dim=dim, seed=cfg.seed, talk=True,
    )  # fmt: skip


def _stored(spec: SynthSpec) -> int:
    """Turns the writer stores for the spec (whole interactions only)."""
    return max(1, spec.turns // spec.turns_per_interaction) * spec.turns_per_interaction


# ---- building ------------------------------------------------------------------------------


def missing(graph: Graph, specs: list[SynthSpec]) -> list[SynthSpec]:
    """The specs whose user does not hold all its turns yet (a batch lands whole or not at
    all, and holds whole users, so a partly written user is one that was never written)."""
    out = []
    for start in range(0, len(specs), 1_000):
        chunk = specs[start : start + 1_000]
        rows = graph.read("api/count_turns", user_ids=[s.owner for s in chunk])
        have = {r["user_id"]: r["turns"] for r in rows}
        out += [s for s in chunk if have.get(s.owner, 0) < _stored(s)]
    return out


def _merged(batches: list[Batch]) -> Batch:
    out = Batch(enrich=False)
    for f in fields(Batch):
        if f.name != "enrich":
            setattr(out, f.name, [row for b in batches for row in getattr(b, f.name)])
    return out


def batches(
    specs: list[SynthSpec], batch_turns: int, embed: Callable[[list[str]], Any]
) -> Iterator[tuple[Batch, int]]:
    """Batches of about ``batch_turns`` turns over whole users (a big user alone, in parts),
    embedded; with the number of turns in each."""
    held: list[Batch] = []
    turns = 0
    for spec in specs:
        for batch, _ in synthesize(spec, batch_turns=batch_turns):
            held.append(batch)
            turns += len(batch.turns)
            if turns >= batch_turns:
                yield _embedded(_merged(held), embed), turns
                held, turns = [], 0
    if held:
        yield _embedded(_merged(held), embed), turns


def _embedded(batch: Batch, embed: Callable[[list[str]], Any]) -> Batch:
    from strata.ingest.synthetic import embed_rows

    return embed_rows(batch, lambda texts: embed(texts).tolist())


class _Writers:
    """Streams of batches, each built and embedded in its own thread and written by its own
    writer threads; progress counted across all of them."""

    def __init__(
        self, graph: Graph, total: int, log: Callable[[str], None], written: int = 0
    ) -> None:
        self.graph, self.total, self.log = graph, total, log
        self.started = time.perf_counter()
        self.written = self.base = written  # base: written before (the rate leaves it out)
        self.failed: list[BaseException] = []
        self.threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def add(self, stream: Iterator[tuple[Batch, int]], writers: int) -> None:
        ready: queue.Queue[tuple[Batch, int] | None] = queue.Queue(maxsize=2 * writers)
        self.threads.append(threading.Thread(target=self._produce, args=(stream, ready, writers)))
        self.threads += [
            threading.Thread(target=self._write, args=(ready,)) for _ in range(writers)
        ]

    def run(self) -> int:
        for t in self.threads:
            t.start()
        for t in self.threads:
            t.join()
        if self.failed:
            raise self.failed[0]
        return self.written

    def _produce(self, stream: Iterator[Any], ready: queue.Queue[Any], writers: int) -> None:
        try:
            for item in stream:
                if self.failed:
                    break
                ready.put(item)
        except BaseException as e:  # surfaced after the writers stop
            self.failed.append(e)
        finally:
            for _ in range(writers):
                ready.put(None)

    def _write(self, ready: queue.Queue[tuple[Batch, int] | None]) -> None:
        while (item := ready.get()) is not None:
            try:
                write_batch(self.graph, item[0])
            except BaseException as e:
                self.failed.append(e)
                continue  # keep draining so the producer never blocks
            with self._lock:
                self.written += item[1]
                if self.written // 20_000 != (self.written - item[1]) // 20_000:
                    rate = (self.written - self.base) / (time.perf_counter() - self.started)
                    self.log(f"  {self.written:,}/{self.total:,} turns ({rate:,.0f} turns/s)")


def build(
    graph: Graph, specs: list[SynthSpec], cfg: ScaleConfig, log: Callable[[str], None]
) -> dict[str, Any]:
    """Write the users that are missing. A big user's batches take its writer lock one after
    the other, so they get one writer of their own; small users' batches (disjoint users,
    they never wait on each other) get ``cfg.writers``. With ``big_first`` the big user is
    written alone before the small ones (it is what a stopped build must not lack); with
    ``build_seconds`` no small users' batch starts after that long (batches hold whole users,
    so the users written are complete and the rest are missing)."""
    from strata.api.runtime import embedder

    todo = specs if cfg.fresh else missing(graph, specs)
    total = sum(_stored(s) for s in todo)
    log(f"writing {len(todo)} of {len(specs)} users ({total:,} turns)")
    embed = embedder().embed
    started = time.perf_counter()
    writers = _Writers(graph, total, log)
    for big in (s for s in todo if _stored(s) >= cfg.batch_turns):
        writers.add(batches([big], cfg.batch_turns, embed), 1)
    if cfg.big_first and writers.threads:
        written = writers.run()
        writers = _Writers(graph, total, log, written)
    small = [s for s in todo if _stored(s) < cfg.batch_turns]
    deadline = started + cfg.build_seconds if cfg.build_seconds > 0 else None
    writers.add(_until(batches(small, cfg.batch_turns, embed), deadline), cfg.writers)
    written = writers.run()
    seconds = time.perf_counter() - started
    return {"users_written": len(todo), "turns_written": written, "seconds": round(seconds, 1)}


def _until(stream: Iterator[Any], deadline: float | None) -> Iterator[Any]:
    for item in stream:
        if deadline is not None and time.perf_counter() >= deadline:
            return
        yield item


# ---- measuring -----------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]{4,}")


def question(spec: SynthSpec, rng: random.Random) -> tuple[str, str]:
    """A question made of words one random turn of the user says, and that turn's source id."""
    k = rng.randrange(max(1, spec.turns // spec.turns_per_interaction))
    seq = rng.randrange(spec.turns_per_interaction)
    words = _WORD.findall(said(spec, k, seq).lower())
    picked = [*rng.sample(words, min(3, len(words))), "plans", "news"]
    text = rng.choice(QUESTIONS).format(
        a=picked[0], b=picked[1], c=picked[2], city=rng.choice(CITIES)
    )
    return text, f"{_interaction_id(spec, k)}:{seq}"


def _interaction_id(spec: SynthSpec, k: int) -> str:
    from strata.ingest.models import stable_id

    return stable_id(spec.owner, "synth-interaction", k)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def searches(
    memory: Any, specs: list[SynthSpec], cfg: ScaleConfig, rng: random.Random
) -> dict[str, Any]:
    """Warm-up calls, then ``cfg.searches`` timed searches over ``specs`` (random picks)."""
    for _ in range(cfg.warmup):
        spec = rng.choice(specs)
        memory.search(spec.owner.split(":", 1)[1], question(spec, rng)[0])
    times: list[float] = []
    found, stages = 0, dict[str, list[float]]()
    for n in range(cfg.searches):
        spec = rng.choice(specs)
        text, source = question(spec, rng)
        user = spec.owner.split(":", 1)[1]
        started = time.perf_counter()
        out = memory.search(user, text, explain=n % 5 == 0)
        times.append((time.perf_counter() - started) * 1000)
        if not out.items:
            raise StrataError(f"no items for {user!r}: {text!r} (the benchmark data is broken)")
        found += any(i.source_id == source for i in out.items)
        if n % 5 == 0:
            for stage in out.plan["stages"]:
                stages.setdefault(stage["name"], []).append(stage["ms"])
    return {
        "searches": len(times),
        "p50_ms": _pct(times, 0.5),
        "p95_ms": _pct(times, 0.95),
        "p99_ms": _pct(times, 0.99),
        "mean_ms": round(statistics.fmean(times), 1),
        "source_in_top10": round(found / len(times), 3),
        "stage_p50_ms": {k: round(statistics.median(v), 1) for k, v in stages.items()},
        "stage_p95_ms": {k: _pct(v, 0.95) for k, v in stages.items()},
    }


def ingest_session(memory: Any, spec: SynthSpec, rng: random.Random) -> dict[str, Any]:
    """One new 20-message session through the normal pipeline (extraction, maintenance)."""
    words = [*_WORD.findall(said(spec, 0, 0).lower()), "lamp", "garden"]
    city = rng.choice(CITIES)
    messages = [
        {
            "speaker": "Sam" if n % 2 else "Alex",
            "text": line.format(city=city, a=words[0], b=words[1]),
        }
        for n, line in enumerate(SESSION)
    ]
    stamp = datetime.now(UTC)
    started = time.perf_counter()
    out = memory.add(
        spec.owner.split(":", 1)[1], messages,
        interaction_id=f"scale-session-{stamp:%Y%m%dT%H%M%S%f}", started_at=stamp,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "result": out.model_dump(mode="json")}


def store_mb() -> dict[str, float] | None:
    """Size of the local database's directories (None when Neo4j is not the local one)."""
    settings = get_settings()
    if not settings.local:
        return None
    data = Path(settings.neo4j_home) / "data"

    def size(path: Path) -> float:
        return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)

    return {
        "store": size(data / "databases" / "neo4j"),
        "transaction_logs": size(data / "transactions" / "neo4j"),
    }


def heap(graph: Graph) -> dict[str, float]:
    row = graph.read("analytics/read_jvm_heap")[0]
    return {k: round(row[k] / 2**20, 1) for k in ("used", "committed", "max")}


def run(cfg: ScaleConfig, log: Callable[[str], None]) -> dict[str, Any]:
    """Build (what is missing), then measure; the report as a dict."""
    from strata.api.library import Memory
    from strata.api.runtime import embedder, ready

    graph = ready()
    dim = embedder().dim
    small = [small_spec(i, cfg, dim) for i in range(cfg.users)]
    big = big_spec(cfg, dim)
    report: dict[str, Any] = {"config": cfg.__dict__, "embedder": embedder().name}
    report["build"] = build(graph, [*small, big], cfg, log)
    lacking = {s.owner for s in missing(graph, [*small, big])}
    if big.owner in lacking:
        raise StrataError(f"the big user {big.owner} is not complete (the build stopped)")
    small = [s for s in small if s.owner not in lacking]  # a stopped build: the users it wrote
    if not small:
        raise StrataError("no small user is complete (the build stopped too early)")
    report["small_users_built"] = len(small)
    report["turns_total"] = sum(_stored(s) for s in small) + _stored(big)
    report["store_mb"] = store_mb()
    report["heap_mb_before"] = heap(graph)
    rng = random.Random(cfg.seed)
    with Memory(tenant=TENANT) as memory:
        log("searching: small users")
        report["search_small"] = searches(memory, small, cfg, rng)
        log("searching: the big user")
        report["search_big"] = searches(memory, [big], cfg, rng)
        report["heap_mb_after_search"] = heap(graph)
        if cfg.ingest:
            log("ingesting one session into a small user and into the big one")
            # The first ingest of the process loads the extraction model: reported alone.
            report["ingest_first"] = ingest_session(memory, rng.choice(small), rng)
            report["ingest_small"] = ingest_session(memory, rng.choice(small), rng)
            report["ingest_big"] = ingest_session(memory, big, rng)
            # The first also catches up the enrichment the batch writer leaves pending on a
            # freshly built user (links of all its units, every persona trait): the second is
            # what a session costs a big user whose memory is up to date.
            report["ingest_big_again"] = ingest_session(memory, big, rng)
    report["heap_mb_after"] = heap(graph)
    return report


def markdown(r: dict[str, Any]) -> str:
    c = r["config"]
    lines = [
        f"{r['small_users_built']:,} users × {c['turns']} turns + one of {c['big_turns']:,} "
        f"= {r['turns_total']:,} turns; built in {r['build']['seconds']} s "
        f"({r['build']['turns_written']:,} turns written); embedder {r['embedder']}",
        "",
        "| search | n | p50 ms | p95 ms | p99 ms | mean ms | source turn in top 10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("small", "big"):
        s = r[f"search_{name}"]
        lines.append(
            f"| {name} user | {s['searches']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} "
            f"| {s['mean_ms']} | {s['source_in_top10']} |"
        )
    lines += [
        "",
        f"stages p95 ms, small: {r['search_small']['stage_p95_ms']}",
        f"stages p95 ms, big: {r['search_big']['stage_p95_ms']}",
        f"ingest of one 20-message session: small user {r['ingest_small']['seconds']} s, "
        f"big user {r['ingest_big']['seconds']} s, then {r['ingest_big_again']['seconds']} s "
        f"(the process's first ingest, model load included: {r['ingest_first']['seconds']} s)"
        if "ingest_big" in r
        else "ingest: not measured (--no-ingest)",
        f"store on disk (MB): {r['store_mb']}",
        f"heap MB before / after searches / after ingest: {r['heap_mb_before']['used']} / "
        f"{r['heap_mb_after_search']['used']} / {r['heap_mb_after']['used']} "
        f"(max {r['heap_mb_before']['max']})",
    ]
    return "\n".join(lines)
