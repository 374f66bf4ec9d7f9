"""Extraction rows: the entities, mentions, events, persona facts and questions in turns.

A synchronous ingest extracts in its own batch. An acknowledged ingest (the HTTP API without
``wait``) writes only the conversation, its turns marked ``extract_pending``, and enrichment
extracts them here (``PendingExtraction``) before it recomputes the rest of derived memory.
Both paths go through ``add_extractions``, with every speaker of a turn's interaction as the
people its extraction knows, so a turn's rows never depend on how it arrived or what it was
batched with.
"""

from __future__ import annotations

from typing import Any, Protocol

from strata.graph.db import Graph
from strata.graph.errors import StaleRead
from strata.graph.owners import user_key
from strata.graph.store import Batch, write_batch
from strata.ingest.embed import Embedder
from strata.ingest.models import (
    SINGLE_VALUED,
    EntityKind,
    EntityRef,
    Extraction,
    FactOut,
    Turn,
    stable_id,
)
from strata.ingest.turns import untrusted, utc

Row = dict[str, Any]
CHUNK_TURNS = 500  # turns extracted and written per background transaction


class Extractor(Protocol):
    """Rule-based (ingest.extract) or LLM (ingest.llm) extraction, one result per turn."""

    def extract_many(self, turns: list[Turn], known_people: set[str]) -> list[Extraction]: ...


def entity_id(user_id: str, key: str) -> str:
    return stable_id(user_id, "entity", key)


def fact_text(f: FactOut) -> str:
    verb = f.predicate.value.replace("_", " ")
    return f"{f.subject.name} {'' if f.polarity else 'not '}{verb} {f.object}"


def add_extractions(
    batch: Batch,
    turns: list[Turn],
    extract: Extractor,
    embedder: Embedder,
    speakers: dict[str, set[str]],
) -> None:
    """Extract ``turns`` (``extract``: an ``Extractor``; ``speakers``: interaction id → every
    speaker of it) and add their rows, facts and questions embedded, to ``batch``."""
    extractions = extract_by_interaction(extract, turns, speakers)
    facts, queries = len(batch.facts), len(batch.queries)
    for turn, ex in zip(turns, extractions, strict=True):
        _add_extraction(batch, turn, ex if turn.trusted else untrusted(ex))
    new = [*batch.facts[facts:], *batch.queries[queries:]]
    if new:
        for row, vector in zip(new, embedder.embed([r["text"] for r in new]).tolist(), strict=True):
            row["embedding"] = vector


def extract_by_interaction(
    extract: Extractor, turns: list[Turn], speakers: dict[str, set[str]]
) -> list[Extraction]:
    """One ``Extraction`` per turn, in order; each interaction's turns extracted together."""
    groups: dict[str, list[int]] = {}
    for i, t in enumerate(turns):
        groups.setdefault(t.interaction_id, []).append(i)
    out: list[Extraction] = [Extraction() for _ in turns]
    for iid, positions in groups.items():
        done = extract.extract_many([turns[i] for i in positions], speakers[iid])
        for i, ex in zip(positions, done, strict=True):
            out[i] = ex
    return out


class PendingExtraction:
    """Extracts the turns acknowledged ingests left pending, a chunk per transaction. Each
    transaction first claims its turns as they were read; if one was edited or forgotten
    since, nothing is written and the chunk is read again."""

    def __init__(self, graph: Graph, embedder: Embedder, extract: Extractor) -> None:
        self.graph = graph
        self.embedder = embedder
        self.extract = extract

    def __call__(self, user_id: str) -> int:
        """Extract every pending turn of ``user_id``; returns how many turns were extracted."""
        done = 0
        while rows := self.read(user_id):
            try:
                write_batch(self.graph, self.batch(rows))
            except StaleRead:
                continue  # edited or forgotten since the read: read again
            done += len(rows)
        return done

    def read(self, user_id: str) -> list[Row]:
        """The next chunk of the user's pending turns (``ingest/read_unextracted_turns``)."""
        return self.graph.read("ingest/read_unextracted_turns", user_id=user_id, limit=CHUNK_TURNS)

    def batch(self, rows: list[Row]) -> Batch:
        """The extraction rows of ``rows``, claiming the turns as they were read."""
        batch = Batch(enrich=False)
        speakers = {r["interaction_id"]: set(r["speakers"]) for r in rows}
        add_extractions(batch, [_turn(r) for r in rows], self.extract, self.embedder, speakers)
        batch.extracted = [
            {k: r[k] for k in ("id", "user_id", "raw_text", "attachments_json")} for r in rows
        ]
        return batch


def _turn(r: Row) -> Turn:
    time = r["time"]
    return Turn(
        id=r["id"],
        interaction_id=r["interaction_id"],
        user_id=r["user_id"],
        seq=r["seq"],
        speaker=r["speaker"],
        role=r["role"],
        text=r["raw_text"],
        time=None if time is None else utc(time.to_native()),
        source_id=r["source_id"],
        attachments=tuple(r["attachments"] or ()),
        attachments_json=r["attachments_json"] or "[]",
        part=r["part"] or 0,
        offset=r["offset"] or 0,
        flags=tuple(r["flags"] or ()),
        flag_spans=r["flag_spans"] or "[]",
    )


def _add_extraction(batch: Batch, turn: Turn, ex: Extraction) -> None:
    uid, ukey = turn.user_id, user_key(turn.user_id)
    speaker = EntityRef(turn.speaker, EntityKind.PERSON, _key(turn.speaker))
    for ref in [speaker, *ex.entities]:
        _add_entity(batch, uid, ukey, ref)
    batch.mentions += [
        {"turn_id": turn.id, "entity_id": entity_id(uid, r.key), "user_id": uid}
        for r in {r.key: r for r in ex.entities}.values()
    ]
    for i, ev in enumerate(ex.events):
        batch.events.append(
            {
                "id": stable_id(turn.id, "event", i),
                "user_id": uid,
                "user_key": ukey,
                "turn_id": turn.id,
                "what": ev.what,
                "when": ev.when,
                "when_text": ev.when_text,
                "text": ev.what,
                "who": [entity_id(uid, r.key) for r in ev.who],
            }
        )
        for r in ev.who:
            _add_entity(batch, uid, ukey, r)
    for f in ex.facts:
        _add_entity(batch, uid, ukey, f.subject)
        batch.facts.append(_fact_row(turn, f, uid, ukey))
    for i, q in enumerate(ex.queries):
        batch.queries.append(
            {
                "id": stable_id(turn.id, "query", i),
                "user_id": uid,
                "user_key": ukey,
                "turn_id": turn.id,
                "text": q.text,
                "kind": q.kind,
                "origin": "conversation",
                "time": turn.time,
            }
        )


def _fact_row(turn: Turn, f: FactOut, uid: str, ukey: str) -> Row:
    return {
        "id": stable_id(turn.id, "fact", f.subject.key, f.predicate, f.object, f.polarity),
        "user_id": uid,
        "user_key": ukey,
        "turn_id": turn.id,
        "subject_id": entity_id(uid, f.subject.key),
        "subject_key": f.subject.key,
        "subject": f.subject.name,
        "predicate": f.predicate.value,
        "object": f.object,
        "polarity": f.polarity,
        "confidence": f.confidence,
        "valid_from": utc(f.valid_from) or turn.time,
        "single_valued": f.predicate in SINGLE_VALUED,
        "text": fact_text(f),
    }


def _add_entity(batch: Batch, uid: str, ukey: str, ref: EntityRef) -> None:
    eid = entity_id(uid, ref.key)
    if any(e["id"] == eid and ref.name in e["aliases"] for e in batch.entities[-50:]):
        return
    batch.entities.append(
        {
            "id": eid,
            "user_id": uid,
            "user_key": ukey,
            "key": ref.key,
            "name": ref.name,
            "kind": ref.kind.value,
            "aliases": [ref.name],
        }
    )


def _key(name: str) -> str:
    from strata.ingest.extract import normalise_key

    return normalise_key(name)
