"""Batch writes of ingested memory: one transaction per batch, MERGE on stable ids.

A ``Batch`` is plain typed rows (graph/ knows nothing of extraction). ``write_batch`` runs every
statement of the batch in ONE managed transaction: the batch lands whole or not at all, and a
retried batch MERGEs onto what exists, so it never duplicates. Every row carries ``user_id``;
relationships are only drawn between nodes of the same user. Every write of owned memory first
takes its owners' writer locks (``owner_lock``, ``locked``), so writers of one owner take turns
in any number of processes; enrichment's derived memory is the exception (``write_derived``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from neo4j.exceptions import Neo4jError

from strata.graph.db import Graph
from strata.graph.errors import CypherError, StaleRead

Row = dict[str, Any]
Step = tuple[str, dict[str, Any]]


def owner_lock(owners: Iterable[str]) -> Step:
    """The statement that serialises writers of these owners across processes; put it first
    in a write transaction (``locked``)."""
    return ("ingest/lock_owners", {"user_ids": sorted(set(owners))})


@contextmanager
def enrichment_lease(graph: Graph, owners: Iterable[str]) -> Iterator[None]:
    """One enrichment of an owner at a time, in any process: two runs that read the memory
    at different moments would otherwise interleave their writes and keep the staler one.
    Held apart from the writer locks, so ingests never wait for a whole enrichment run."""
    with graph.held("memory/lease_enrichment", user_ids=sorted(set(owners))):
        yield


def locked(graph: Graph, owners: Iterable[str], steps: Sequence[Step]) -> list[list[Row]]:
    """Run ``steps`` in one transaction that first holds the owners' writer locks; returns the
    results of ``steps`` (not of the lock)."""
    return graph.write_many([owner_lock(owners), *steps])[1:]


def write_derived(graph: Graph, owners: Iterable[str], steps: Sequence[Step]) -> None:
    """Run an enrichment round's writes of derived memory (links, traits, scenes) in one
    transaction WITHOUT the owners' writer locks: the enrichment lease already serialises
    enrichment, and acknowledgements then never wait for it. A writer of ground truth may
    delete a unit these steps link (an edit, a delete) meanwhile; Neo4j then fails the
    transaction with EntityNotFound (a client error, not retried), and the steps run again
    behind the writer locks, after that writer, so they link nothing that went."""
    try:
        graph.write_many(steps)
    except CypherError as e:
        if not (isinstance(e.__cause__, Neo4jError) and e.__cause__.code == _ENTITY_GONE):
            raise
        locked(graph, owners, steps)


_ENTITY_GONE = "Neo.ClientError.Statement.EntityNotFound"


@dataclass
class Batch:
    interactions: list[Row] = field(default_factory=list)
    turns: list[Row] = field(default_factory=list)
    next_pairs: list[Row] = field(default_factory=list)
    segments: list[Row] = field(default_factory=list)
    entities: list[Row] = field(default_factory=list)
    mentions: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    facts: list[Row] = field(default_factory=list)
    queries: list[Row] = field(default_factory=list)
    extracted: list[Row] = field(default_factory=list)  # turns extracted in the background
    enrich: bool = True  # mark the users pending enrichment (synthetic rows come complete)

    def steps(self) -> list[tuple[str, dict[str, Any]]]:
        """The named statements of this batch, in dependency order (skipping empty ones)."""
        edited = [
            {k: t.get(k) for k in ("id", "user_id", "raw_text", "attachments_json")}
            for t in self.turns
        ]
        order = [
            ("ingest/claim_extracted", self.extracted),
            ("ingest/clear_edited_turns", edited),
            ("ingest/merge_interactions", self.interactions),
            ("ingest/merge_turns", self.turns),
            ("ingest/merge_next", self.next_pairs),
            ("ingest/merge_segments", self.segments),
            (
                "ingest/merge_segment_turns",
                [{k: s[k] for k in ("id", "user_id", "turn_ids")} for s in self.segments],
            ),
            ("ingest/merge_entities", self.entities),
            ("ingest/merge_mentions", self.mentions),
            ("ingest/merge_events", self.events),
            ("ingest/merge_facts", self.facts),
            ("ingest/close_superseded_facts", self.facts),
            ("ingest/merge_queries", self.queries),
        ]
        users = sorted({i["user_id"] for i in self.interactions})
        if self.enrich:  # their derived memory is now behind, until enriched
            order.append(("memory/mark_pending", [{"user_id": u} for u in users]))
        steps = [(name, {"rows": rows}) for name, rows in order if rows]
        owners = {r["user_id"] for _, rows in order for r in rows}
        return [owner_lock(owners), *steps] if steps else []


def write_batch(graph: Graph, batch: Batch) -> None:
    """Write the whole batch in one transaction (all or nothing), its users marked pending
    enrichment in the same transaction. A batch of background extraction whose turns changed
    since they were read raises ``StaleRead`` and writes nothing."""
    graph.write_many(batch.steps(), check=_claimed)


def _claimed(name: str, rows: list[Row]) -> None:
    if name == "ingest/claim_extracted" and rows[0]["stale"]:
        raise StaleRead(f"{rows[0]['stale']} turns changed since they were read for extraction")
