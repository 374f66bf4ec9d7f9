"""The one ingest function: validated interactions → embeddings, extraction → graph batches.

Invariants: raw text is stored unchanged (``raw_text``); ids are stable, so re-ingesting is a
no-op; each batch is one transaction; the caller validates a whole file before calling.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from strata.graph.db import Graph
from strata.graph.owners import user_key
from strata.graph.store import Batch, write_batch
from strata.ingest.embed import Embedder
from strata.ingest.extract.standing import is_standing_instruction
from strata.ingest.extraction import Extractor, add_extractions
from strata.ingest.models import InteractionIn, Turn, stable_id
from strata.ingest.turns import to_turns, utc

SEGMENT_TURNS = 5
# How memory came in (provenance, with each turn's role and flags): the HTTP API, a file
# (`strata ingest`), the Python library (and MCP through it), the LangGraph store.
VIAS = frozenset({"api", "file", "library", "langgraph"})
BATCH_TURNS = 1000  # per transaction; fewer, larger commits mean fewer Lucene segments to search
FIRST_BATCH_TURNS = 200  # a small first batch, so Neo4j starts writing while the rest is built


class Masker(Protocol):
    """Personal data replaced by placeholders before anything is built (ingest.masking)."""

    def mask_interactions(self, interactions: list[InteractionIn]) -> list[InteractionIn]: ...


class Memory(Protocol):
    """Derived memory, recomputed from the committed ground truth (ingest.memory.Maintainer)."""

    def after_ingest(self, users: set[str]) -> None: ...


@dataclass
class IngestSummary:
    interactions: int = 0
    turns: int = 0
    entities: int = 0
    events: int = 0
    facts: int = 0
    queries: int = 0
    seconds: float = 0.0
    users: set[str] = field(default_factory=set)

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "interactions": self.interactions,
            "turns": self.turns,
            "entities": self.entities,
            "events": self.events,
            "facts": self.facts,
            "queries": self.queries,
            "seconds": round(self.seconds, 3),
            "turns_per_s": round(self.turns_per_s, 1),
        }


class Pipeline:
    """Turns interactions into graph batches, with memory maintenance around each write."""

    def __init__(
        self,
        graph: Graph,
        embedder: Embedder,
        extractor: Extractor,
        memory: Memory | None = None,
        masker: Masker | None = None,
    ) -> None:
        self.graph = graph
        self.embedder = embedder
        self.extractor = extractor
        self.memory = memory
        self.masker = masker

    def ingest(
        self,
        interactions: list[InteractionIn],
        progress: Callable[[int], object] | None = None,
        *,
        enrich: bool = True,
        via: str = "api",
        commit: Callable[[Batch], None] | None = None,
    ) -> IngestSummary:
        """Write all interactions, batch by batch; ``progress`` gets turns written per batch.
        With ``enrich=False`` only the conversations are written (each batch marks its users
        pending) and a background worker extracts them and brings derived memory up to date.
        ``via`` records how the memory came in (``VIAS``), kept from its first arrival.
        ``commit`` writes a batch (default: its own transaction; the API groups concurrent
        requests' batches with ``graph.group_commit``)."""
        if via not in VIAS:
            raise ValueError(f"via must be one of {', '.join(sorted(VIAS))}")
        started = time.perf_counter()
        summary = IngestSummary()
        write = commit or (lambda batch: write_batch(self.graph, batch))
        if self.masker is not None:  # once, first: everything below sees only placeholders
            interactions = self.masker.mask_interactions(interactions)
        chunks = list(_chunks(interactions, BATCH_TURNS, first=FIRST_BATCH_TURNS))
        # Build batch n+1 (extraction, embeddings: Python) while batch n is written (Neo4j,
        # another process): on two cores the two halves overlap instead of alternating.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="strata-build") as builder:
            upcoming = builder.submit(self.build, chunks[0], via, enrich) if chunks else None
            for n, chunk in enumerate(chunks):
                assert upcoming is not None
                batch = upcoming.result()
                if n + 1 < len(chunks):
                    upcoming = builder.submit(self.build, chunks[n + 1], via, enrich)
                write(batch)
                _count(summary, chunk, batch)
                if progress is not None:
                    progress(len(batch.turns))
        if self.memory is not None and enrich:
            self.memory.after_ingest(summary.users)
        summary.seconds = time.perf_counter() - started
        return summary

    def build(
        self, interactions: list[InteractionIn], via: str = "api", extract: bool = True
    ) -> Batch:
        """Embed a group of interactions into one batch of rows, with their extraction unless
        ``extract`` is false (the turns are then marked for enrichment to extract)."""
        batch = Batch()
        turns_by_interaction = [(it, to_turns(it)) for it in interactions]
        vectors = iter(self._embed_conversations(turns_by_interaction))
        for interaction, turns in turns_by_interaction:
            _add_interaction(batch, interaction, turns, vectors, via, extract)
        if extract:
            speakers = {
                ts[0].interaction_id: {t.speaker for t in ts} for _, ts in turns_by_interaction
            }
            turns = [t for _, ts in turns_by_interaction for t in ts]
            add_extractions(batch, turns, self.extractor, self.embedder, speakers)
        return batch

    def _embed_conversations(
        self, groups: list[tuple[InteractionIn, list[Turn]]]
    ) -> Iterator[list[float]]:
        """Embed every conversation unit in one call, in the order the builders consume them."""
        texts: list[str] = []
        for _, ts in groups:
            texts.append(_interaction_text(ts))
            texts += [t.full_text for t in ts]
            texts += [" ".join(t.full_text for t in seg) for seg in _segments(ts)]
        return iter(self.embedder.embed(texts).tolist()) if texts else iter(())


def turn_text(t: Turn) -> str:
    """What is indexed for a turn: ``speaker: text [captions]``."""
    return f"{t.speaker}: {t.full_text}"


def _add_interaction(
    batch: Batch,
    interaction: InteractionIn,
    turns: list[Turn],
    vectors: Iterator[list[float]],
    via: str,
    extracted: bool,
) -> None:
    uid, ukey = interaction.user_id, user_key(interaction.user_id)
    iid = turns[0].interaction_id
    batch.interactions.append(
        {
            "id": iid,
            "user_id": uid,
            "user_key": ukey,
            "source_id": interaction.id,
            "started_at": utc(interaction.started_at) or turns[0].time,
            "text": _interaction_text(turns),
            "turn_count": len(turns),
            "via": via,
            "embedding": next(vectors),
        }
    )
    for before, t in zip([None, *turns], turns, strict=False):
        batch.turns.append(
            {
                "id": t.id,
                "user_id": uid,
                "user_key": ukey,
                "interaction_id": iid,
                "seq": t.seq,
                "speaker": t.speaker,
                "role": t.role,
                "text": turn_text(t),
                "context": turn_text(before) if before is not None and "?" in before.text else None,
                "raw_text": t.text,
                "attachments": list(t.attachments),
                "attachments_json": t.attachments_json,
                "time": t.time,
                "source_id": t.source_id,
                "part": t.part,
                "offset": t.offset,
                "flags": list(t.flags),
                "via": via,
                "standing": t.trusted and t.role != "assistant" and is_standing_instruction(t.text),
                "flag_spans": t.flag_spans,
                "extracted": extracted,
                "embedding": next(vectors),
            }
        )
    batch.next_pairs += [
        {"a": a.id, "b": b.id, "user_id": uid} for a, b in itertools.pairwise(turns)
    ]
    for seg in _segments(turns):
        batch.segments.append(
            {
                "id": stable_id(iid, "segment", seg[0].seq),
                "user_id": uid,
                "user_key": ukey,
                "interaction_id": iid,
                "start_seq": seg[0].seq,
                "end_seq": seg[-1].seq,
                "time": seg[0].time,
                "text": " ".join(turn_text(t) for t in seg),
                "turn_ids": [t.id for t in seg],
                "embedding": next(vectors),
            }
        )


def _segments(turns: list[Turn]) -> list[list[Turn]]:
    return [turns[i : i + SEGMENT_TURNS] for i in range(0, len(turns), SEGMENT_TURNS)]


def _interaction_text(turns: list[Turn]) -> str:
    return " ".join(turn_text(t) for t in turns)[:8000]


def _chunks(
    items: Iterable[InteractionIn], max_turns: int, first: int | None = None
) -> Iterator[list[InteractionIn]]:
    """Whole interactions, up to ``max_turns`` per chunk (``first`` for the first one)."""
    chunk: list[InteractionIn] = []
    size, limit = 0, first or max_turns
    for it in items:
        if chunk and size + len(it.messages) > limit:
            yield chunk
            chunk, size, limit = [], 0, max_turns
        chunk.append(it)
        size += len(it.messages)
    if chunk:
        yield chunk


def _count(summary: IngestSummary, chunk: list[InteractionIn], batch: Batch) -> None:
    summary.interactions += len(chunk)
    summary.turns += len(batch.turns)
    summary.entities += len({e["id"] for e in batch.entities})
    summary.events += len(batch.events)
    summary.facts += len(batch.facts)
    summary.queries += len(batch.queries)
    summary.users |= {it.user_id for it in chunk}
