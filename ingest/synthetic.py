"""A synthetic user written straight as graph rows with the project's own batch writer (UNWIND
per statement, one transaction per batch; no extraction; one fixed unit vector per row unless an
embedding function is given).

Its known structure (entity clusters that never meet, planned supersessions and same-instant
conflicts) gives expected numbers independently of the statements under test: ``strata synth``
writes one to explore the dashboard and the Browser at scale, the analytics benchmark builds a
100,000-turn user with it, and the analytics tests small ones. With ``talk`` its turns say
varied sentences over a fixed pseudo-word vocabulary (topics per interaction, Zipf-like word
popularity), each reproducible on its own (``said``), so the scale benchmark can ask questions
that have answers without reading the graph.
"""

from __future__ import annotations

import json
import random
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from strata.graph.db import Graph
from strata.graph.owners import user_key
from strata.graph.store import Batch, write_batch
from strata.ingest.models import stable_id

CITIES = ["Lisbon", "Berlin", "Paris", "Rome", "Oslo", "Vienna", "Prague", "Madrid"]
SUBJECTS = ["Alex", "Sam", "Kim", "Lee", "Max", "Ana", "Noa", "Eli", "Ida", "Tom", "Mia", "Jo"]
LIKES = ["coffee", "tea", "jazz", "hiking", "chess", "sushi", "cycling", "poetry"]
_SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vo", "pel", "dri", "na", "gu", "shi", "ber",
              "ta", "lum", "fen"]  # fmt: skip
VOCABULARY = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]  # 4,096
TOPICS = 64  # an interaction keeps to one topic: 64 words of the vocabulary
Embed = Callable[[list[str]], list[list[float]]]


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
    talk: bool = False  # turns say varied sentences (``said``), not "synthetic turn n"


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


def synthesize(
    spec: SynthSpec, batch_turns: int = 5_000, embed: Embed | None = None
) -> Iterator[tuple[Batch, Truth]]:
    """Yield batches of rows (and the running truth) for the synthetic user; with ``embed``,
    every row's vector is that of its text (else one fixed unit vector)."""
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
    batch, pending = Batch(enrich=False), 0
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
            pool = by_cluster[cluster] if rng.random() >= spec.bridge else names
            picked = sorted({_zipf(rng, pool) for _ in range(rng.choice((0, 1, 2, 2, 3)))})
            batch.turns.append(_turn(spec, iid, tid, ukey, seq, at, vector, k, picked))
            if seq:
                batch.next_pairs.append({"a": turn_ids[-2], "b": tid, "user_id": spec.owner})
            day = at.date().isoformat()
            truth.turns_per_day[day] = truth.turns_per_day.get(day, 0) + 1
            for name in picked:
                _entity(batch, spec, ukey, name, entities_written)
                batch.mentions.append(
                    {"turn_id": tid, "entity_id": _eid(spec, name), "user_id": spec.owner}
                )
                truth.mentions[name] = truth.mentions.get(name, 0) + 1
            if (truth.turns + seq) % spec.facts_every == 0:
                _fact(batch, truth, spec, ukey, tid, at, entities_written)
        _segments(batch, truth, spec, iid, ukey, began, vector)
        if spec.conflict_every and k % spec.conflict_every == spec.conflict_every - 1:
            _conflict(batch, truth, spec, ukey, turn_ids[0], began, k, entities_written)
        truth.turns += count
        truth.interactions += 1
        pending += count
        if pending >= batch_turns:
            yield embed_rows(batch, embed), truth
            batch, pending = Batch(enrich=False), 0
    truth.entities = len(entities_written)
    truth.superseded = sum(max(0, m - 1) for m in truth.moves_by_subject.values())
    if pending:
        yield embed_rows(batch, embed), truth


def said(spec: SynthSpec, k: int, seq: int) -> str:
    """What turn ``seq`` of interaction ``k`` says with ``talk``: 6–14 words, about half of
    them from the interaction's topic, the rest Zipf-popular across the whole vocabulary, now
    and then a like or a city. Seeded by owner, interaction and turn only."""
    rng = random.Random(f"{spec.owner}:{k}:{seq}")
    topic = zlib.crc32(f"{spec.owner}:{k}".encode()) % TOPICS
    words = [
        VOCABULARY[topic * 64 + rng.randrange(64)] if rng.random() < 0.5 else _zipf(rng, VOCABULARY)
        for _ in range(rng.randint(6, 14))
    ]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), rng.choice(LIKES + CITIES))
    return " ".join(words).capitalize() + ("?" if rng.random() < 0.15 else ".")


def embed_rows(batch: Batch, embed: Embed | None) -> Batch:
    """Give every interaction, turn, segment and fact of the batch the vector of its text."""
    if embed is not None:
        rows = [*batch.interactions, *batch.turns, *batch.segments, *batch.facts]
        for row, vec in zip(rows, embed([r["text"] for r in rows]), strict=True):
            row["embedding"] = vec
    return batch


def write_user(
    graph: Graph, spec: SynthSpec, progress: bool = False, embed: Embed | None = None
) -> Truth:
    """Write the synthetic user (idempotent) and return what was written."""
    truth = Truth()
    for batch, truth in synthesize(spec, embed=embed):
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
    spec: SynthSpec, iid: str, tid: str, ukey: str, seq: int, at: datetime, vec: list[float],
    k: int, names: list[str],
) -> dict[str, Any]:  # fmt: skip
    speaker = "Sam" if seq % 2 else "Alex"
    raw = f"synthetic turn {seq}"
    if spec.talk:
        raw = said(spec, k, seq) + (f" With {' and '.join(names)}." if names else "")
    return {
        "id": tid, "user_id": spec.owner, "user_key": ukey, "interaction_id": iid, "seq": seq,
        "speaker": speaker, "role": "participant",
        "text": f"{speaker}: {raw}" if spec.talk else raw, "raw_text": raw, "attachments": [],
        "time": at, "source_id": f"{iid}:{seq}", "extracted": True, "embedding": vec,
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
    batch: Batch, truth: Truth, spec: SynthSpec, iid: str, ukey: str, began: datetime,
    vec: list[float],
) -> None:  # fmt: skip
    """Segments over the interaction's turns (the last ``turn_count`` turns of the batch)."""
    turns = batch.turns[-batch.interactions[-1]["turn_count"] :]
    if spec.talk:
        batch.interactions[-1]["text"] = " ".join(t["text"] for t in turns)[:8000]
    for start in range(0, len(turns), spec.segment_turns):
        part = turns[start : start + spec.segment_turns]
        batch.segments.append(
            {
                "id": stable_id(iid, "segment", start), "user_id": spec.owner, "user_key": ukey,
                "interaction_id": iid, "start_seq": start, "end_seq": start + len(part) - 1,
                "time": began + timedelta(minutes=start),
                "text": " ".join(t["text"] for t in part) if spec.talk else "synthetic segment",
                "turn_ids": [t["id"] for t in part], "embedding": vec,
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
