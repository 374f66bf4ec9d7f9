"""Analytics at scale: a synthetic user written straight as graph rows, then the endpoint measured.

``python -m api.bench_analytics --turns 100000`` builds (idempotently: stable ids) one synthetic
user with the project's own batch writer (UNWIND per statement, one transaction per batch; no
extraction, one fixed unit vector per row instead of embeddings), then measures
``GET /v1/users/{id}/analytics`` through a real uvicorn process: cold (computed) and warm
(cached) latency, the Neo4j heap (JMX, sampled every 50 ms during the cold call), the size of the
user's GDS projection and the API process's resident memory. It reports; it never asserts.

The same generator feeds the integration tests at small sizes, where its known structure
(entity clusters that never meet, planned supersessions and same-instant conflicts) gives the
expected numbers independently of the statements under test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from strata.graph.db import Graph
from strata.graph.store import Batch, write_batch
from strata.ingest.models import stable_id
from strata.ingest.pipeline import user_key

CITIES = ["Lisbon", "Berlin", "Paris", "Rome", "Oslo", "Vienna", "Prague", "Madrid"]
SUBJECTS = ["Alex", "Sam", "Kim", "Lee", "Max", "Ana", "Noa", "Eli", "Ida", "Tom", "Mia", "Jo"]
LIKES = ["coffee", "tea", "jazz", "hiking", "chess", "sushi", "cycling", "poetry"]


@dataclass(frozen=True)
class SynthSpec:
    """Shape of the synthetic user. Entities fall in ``clusters`` groups; a turn mentions
    entities of its interaction's cluster only, except with probability ``bridge``."""

    owner: str
    turns: int = 1_000
    turns_per_interaction: int = 50
    entities: int = 40
    clusters: int = 2
    days: int = 30
    bridge: float = 0.0
    facts_every: int = 10  # one persona fact per this many turns
    subjects: int = 2  # people the facts are about (taking turns)
    move_every: int = 2  # every n-th fact of a subject is a move (lives_in), the rest likes
    conflict_every: int = 7  # every n-th interaction states a same-instant contradiction
    segment_turns: int = 5
    dim: int = 256
    seed: int = 7
    scenes: int = 0  # > 0: also write this many scenes over the segments (benchmark only)


@dataclass
class Truth:
    """What the generator wrote, counted in Python (the tests' expected values)."""

    turns: int = 0
    interactions: int = 0
    segments: int = 0
    entities: int = 0
    facts: int = 0
    conflicts: int = 0
    superseded: int = 0
    moves_by_subject: dict[str, int] = field(default_factory=dict)  # all but the last close
    home_of: dict[str, str] = field(default_factory=dict)
    turns_per_day: dict[str, int] = field(default_factory=dict)
    mentions: dict[str, int] = field(default_factory=dict)  # entity name → turns mentioning it
    cluster_of: dict[str, int] = field(default_factory=dict)  # entity name → cluster


def entity_name(i: int) -> str:
    return f"E{i:05d}"


def synthesize(spec: SynthSpec, batch_turns: int = 5_000) -> Iterator[tuple[Batch, Truth]]:
    """Yield batches of rows (and the running truth) for the synthetic user."""
    rng = random.Random(spec.seed)
    truth = Truth()
    ukey = user_key(spec.owner)
    vector = [1.0] + [0.0] * (spec.dim - 1)
    names = [entity_name(i) for i in range(spec.entities)]
    truth.cluster_of = {n: i % spec.clusters for i, n in enumerate(names)}
    by_cluster = [[n for n in names if truth.cluster_of[n] == c] for c in range(spec.clusters)]
    n_interactions = max(1, spec.turns // spec.turns_per_interaction)
    start = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)
    step = timedelta(days=spec.days) / n_interactions
    batch, pending = Batch(), 0
    entities_written: set[str] = set()
    for k in range(n_interactions):
        iid = stable_id(spec.owner, "synth-interaction", k)
        began = start + step * k
        cluster = k % spec.clusters
        count = spec.turns_per_interaction
        batch.interactions.append(_interaction(spec, iid, ukey, k, began, count, vector))
        turn_ids = []
        for seq in range(count):
            tid = stable_id(iid, "turn", seq)
            turn_ids.append(tid)
            at = began + timedelta(minutes=seq)
            batch.turns.append(_turn(spec, iid, tid, ukey, seq, at, vector))
            if seq:
                batch.next_pairs.append({"a": turn_ids[-2], "b": tid, "user_id": spec.owner})
            day = at.date().isoformat()
            truth.turns_per_day[day] = truth.turns_per_day.get(day, 0) + 1
            pool = by_cluster[cluster] if rng.random() >= spec.bridge else names
            picked = {_zipf(rng, pool) for _ in range(rng.choice((0, 1, 2, 2, 3)))}
            for name in sorted(picked):
                _entity(batch, spec, ukey, name, entities_written)
                batch.mentions.append(
                    {"turn_id": tid, "entity_id": _eid(spec, name), "user_id": spec.owner}
                )
                truth.mentions[name] = truth.mentions.get(name, 0) + 1
            if (truth.turns + seq) % spec.facts_every == 0:
                _fact(batch, truth, spec, ukey, tid, at, entities_written)
        _segments(batch, truth, spec, iid, ukey, turn_ids, began, vector)
        if spec.conflict_every and k % spec.conflict_every == spec.conflict_every - 1:
            _conflict(batch, truth, spec, ukey, turn_ids[0], began, k, entities_written)
        truth.turns += count
        truth.interactions += 1
        pending += count
        if pending >= batch_turns:
            yield batch, truth
            batch, pending = Batch(), 0
    truth.entities = len(entities_written)
    truth.superseded = sum(max(0, m - 1) for m in truth.moves_by_subject.values())
    if pending:
        yield batch, truth


def write_user(graph: Graph, spec: SynthSpec, progress: bool = False) -> Truth:
    """Write the synthetic user (idempotent) and return what was written."""
    truth = Truth()
    for batch, truth in synthesize(spec):
        write_batch(graph, batch)
        if progress:
            print(f"  {truth.turns:>7} turns written", file=sys.stderr, flush=True)
    if spec.scenes:
        _write_scenes(graph, spec)
    return truth


# ---- rows ----------------------------------------------------------------------------------


def _eid(spec: SynthSpec, name: str) -> str:
    return stable_id(spec.owner, "entity", name.lower())


def _zipf(rng: random.Random, pool: list[str]) -> str:
    """Popularity falls off like 1/rank: a few entities dominate, as in real conversations."""
    return pool[min(len(pool) - 1, int(len(pool) ** rng.random()) - 1)]


def _interaction(
    spec: SynthSpec, iid: str, ukey: str, k: int, began: datetime, count: int, vec: list[float]
) -> dict[str, Any]:
    return {
        "id": iid, "user_id": spec.owner, "user_key": ukey, "source_id": f"synth-{k}",
        "started_at": began, "text": f"synthetic session {k}", "turn_count": count,
        "embedding": vec,
    }  # fmt: skip


def _turn(
    spec: SynthSpec, iid: str, tid: str, ukey: str, seq: int, at: datetime, vec: list[float]
) -> dict[str, Any]:
    text = f"synthetic turn {seq}"
    return {
        "id": tid, "user_id": spec.owner, "user_key": ukey, "interaction_id": iid, "seq": seq,
        "speaker": "Sam" if seq % 2 else "Alex", "role": "participant", "text": text,
        "raw_text": text, "attachments": [], "time": at, "source_id": f"{iid}:{seq}",
        "embedding": vec,
    }  # fmt: skip


def _entity(batch: Batch, spec: SynthSpec, ukey: str, name: str, seen: set[str]) -> None:
    if name in seen:
        return
    seen.add(name)
    batch.entities.append(
        {
            "id": _eid(spec, name), "user_id": spec.owner, "user_key": ukey,
            "key": name.lower(), "name": name, "kind": "thing", "aliases": [name],
        }
    )  # fmt: skip


def _segments(
    batch: Batch, truth: Truth, spec: SynthSpec, iid: str, ukey: str, turn_ids: list[str],
    began: datetime, vec: list[float],
) -> None:  # fmt: skip
    for start in range(0, len(turn_ids), spec.segment_turns):
        ids = turn_ids[start : start + spec.segment_turns]
        batch.segments.append(
            {
                "id": stable_id(iid, "segment", start), "user_id": spec.owner, "user_key": ukey,
                "interaction_id": iid, "start_seq": start, "end_seq": start + len(ids) - 1,
                "time": began + timedelta(minutes=start), "text": "synthetic segment",
                "turn_ids": ids, "embedding": vec,
            }
        )  # fmt: skip
        truth.segments += 1


def _fact_row(
    spec: SynthSpec, ukey: str, tid: str, subject: str, predicate: str, obj: str,
    polarity: bool, at: datetime, single: bool,
) -> dict[str, Any]:  # fmt: skip
    verb = predicate.replace("_", " ")
    return {
        "id": stable_id(tid, "fact", subject, predicate, obj, polarity), "user_id": spec.owner,
        "user_key": ukey, "turn_id": tid, "subject_id": _eid(spec, subject),
        "subject_key": subject.lower(), "subject": subject, "predicate": predicate,
        "object": obj, "polarity": polarity, "confidence": 0.9, "valid_from": at,
        "single_valued": single, "text": f"{subject} {'' if polarity else 'not '}{verb} {obj}",
        "embedding": [1.0] + [0.0] * (spec.dim - 1),
    }  # fmt: skip


def _fact(
    batch: Batch, truth: Truth, spec: SynthSpec, ukey: str, tid: str, at: datetime,
    seen: set[str],
) -> None:  # fmt: skip
    """Facts take turns among the subjects; every ``move_every``-th fact of a subject is a
    move (single-valued: it supersedes that subject's previous home), the others new likes."""
    n = truth.facts
    subject = SUBJECTS[n % spec.subjects]
    _subject(batch, spec, ukey, subject, seen)
    if (n // spec.subjects) % spec.move_every == 0:
        moved = truth.moves_by_subject.get(subject, 0)
        city = CITIES[(moved + n) % len(CITIES)]
        if moved and city.lower() == truth.home_of.get(subject):
            city = CITIES[(moved + n + 1) % len(CITIES)]
        truth.home_of[subject] = city.lower()
        truth.moves_by_subject[subject] = moved + 1
        batch.facts.append(
            _fact_row(spec, ukey, tid, subject, "lives_in", city.lower(), True, at, True)
        )
    else:
        obj = f"{LIKES[n % len(LIKES)]} #{n}"
        batch.facts.append(_fact_row(spec, ukey, tid, subject, "likes", obj, True, at, False))
    truth.facts += 1


def _conflict(
    batch: Batch, truth: Truth, spec: SynthSpec, ukey: str, tid: str, at: datetime, k: int,
    seen: set[str],
) -> None:  # fmt: skip
    """A statement and its negation at the same instant: both stay open (a conflict)."""
    subject = SUBJECTS[0]
    _subject(batch, spec, ukey, subject, seen)
    obj = f"conflict topic {k}"
    batch.facts.append(_fact_row(spec, ukey, tid, subject, "likes", obj, True, at, False))
    batch.facts.append(_fact_row(spec, ukey, tid, subject, "likes", obj, False, at, False))
    truth.facts += 2
    truth.conflicts += 1


def _subject(batch: Batch, spec: SynthSpec, ukey: str, name: str, seen: set[str]) -> None:
    if name not in seen or not any(e["name"] == name for e in batch.entities):
        seen.add(name)
        batch.entities.append(
            {
                "id": _eid(spec, name), "user_id": spec.owner, "user_key": ukey,
                "key": name.lower(), "name": name, "kind": "person", "aliases": [name],
            }
        )  # fmt: skip


def _write_scenes(graph: Graph, spec: SynthSpec) -> None:
    """Scenes over the user's segments, written with the memory maintenance's own statement."""
    ids = [
        stable_id(stable_id(spec.owner, "synth-interaction", k), "segment", s)
        for k in range(max(1, spec.turns // spec.turns_per_interaction))
        for s in range(0, spec.turns_per_interaction, spec.segment_turns)
    ]
    scenes = []
    for c in range(spec.scenes):
        members = ids[c :: spec.scenes]
        scenes.append(
            {
                "id": stable_id(spec.owner, "synth-scene", c), "text": f"Synthetic scene {c}",
                "size": len(members), "terms": [], "entities": [entity_name(c)],
                "members": members, "representatives": members[:3],
                "insight_id": stable_id(spec.owner, "synth-scene-insight", c),
                "embedding": [1.0] + [0.0] * (spec.dim - 1),
            }
        )  # fmt: skip
    model = {
        "user_id": spec.owner, "user_key": user_key(spec.owner), "fitted_units": len(ids),
        "members_json": json.dumps({}), "scenes": scenes,
    }  # fmt: skip
    graph.write("memory/replace_scenes", models=[model])


# ---- measuring -----------------------------------------------------------------------------


def heap_mb(graph: Graph) -> float:
    row = graph.read("analytics/read_jvm_heap")[0]
    return round(row["used"] / 2**20, 1)


def _rss_mb(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    out = {}
    for line in status.splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            key, value = line.split(":")
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


class HeapSampler:
    """Samples the Neo4j heap in the background while a request runs."""

    def __init__(self, graph: Graph, every: float = 0.05) -> None:
        self.graph, self.every, self.samples = graph, every, [heap_mb(graph)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HeapSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(heap_mb(self.graph))


def projection_mb(graph: Graph, owner: str) -> dict[str, float]:
    """Project the user's co-mention graph once more, read its size, drop it."""
    from strata.graph import cypher
    from strata.graph.analytics import PROJECTION_PREFIX, gds_client

    gds = gds_client(graph)
    name = f"{PROJECTION_PREFIX}bench-{os.getpid()}"
    try:
        projected = gds.graph.project.cypher(
            cypher.load("analytics/project_comention"), graph_name=name, user_id=owner
        )
        info = gds.graph.list(name)[0]
        return {
            "nodes": projected.result.node_count,
            "links": projected.result.relationship_count // 2,
            "size_mb": round(info.size_in_bytes / 2**20, 2),
        }
    finally:
        gds.graph.drop(name, fail_if_missing=False)


def measure(graph: Graph, owner: str, port: int) -> dict[str, Any]:
    """Serve the API in a child process and time the analytics route cold and warm."""
    import httpx

    tenant, user = owner.split(":", 1)
    key = f"bench-analytics-{os.getpid()}-key"
    env = {**os.environ, "STRATA_API_KEYS": f"{key}:{tenant}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "strata.api.http.app:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base)
        url = f"{base}/v1/users/{user}/analytics"
        rss_before = _rss_mb(server.pid)
        auth = {"Authorization": f"Bearer {key}"}
        with httpx.Client(timeout=600, headers=auth) as client, HeapSampler(graph) as heap:
            started = time.perf_counter()
            cold = client.get(url, params={"refresh": "true"})
            cold_s = time.perf_counter() - started
        cold.raise_for_status()
        warm_times = []
        with httpx.Client(timeout=60, headers=auth) as client:
            for _ in range(5):
                started = time.perf_counter()
                client.get(url).raise_for_status()
                warm_times.append(time.perf_counter() - started)
        body = cold.json()
        return {
            "cold_s": round(cold_s, 2),
            "warm_ms_median": round(sorted(warm_times)[2] * 1000, 1),
            "stages_ms": body["timings_ms"],
            "counts": body["counts"],
            "payload_kb": round(len(cold.content) / 1024, 1),
            "neo4j_heap_mb": {
                "before": heap.samples[0],
                "peak_sampled": max(heap.samples),
                "after": heap_mb(graph),
            },
            "api_rss_mb": {"before": rss_before, "after": _rss_mb(server.pid)},
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_ready(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the API did not become ready")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--user", default="bench:analytics-100k")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--skip-write", action="store_true")
    args = parser.parse_args(argv)
    from strata.api.runtime import embedder, ready

    graph = ready()
    spec = SynthSpec(
        owner=args.user, turns=args.turns, entities=args.entities, clusters=20, days=730,
        bridge=0.05, subjects=12, move_every=10, dim=embedder().dim, scenes=12,
    )  # fmt: skip
    report: dict[str, Any] = {"spec": {"turns": spec.turns, "entities": spec.entities}}
    if not args.skip_write:
        started = time.perf_counter()
        truth = write_user(graph, spec, progress=True)
        report["write_s"] = round(time.perf_counter() - started, 1)
        report["written"] = {"turns": truth.turns, "facts": truth.facts}
    report["projection"] = projection_mb(graph, spec.owner)
    report["endpoint"] = measure(graph, spec.owner, args.port)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
