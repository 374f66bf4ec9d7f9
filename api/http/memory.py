"""What the memory routes do, apart from HTTP: ingest, page and persona (export is in
``api.http.export``, forget in ``api.http.erase``).

Every function takes the owner id (``<tenant>:<user>``) and passes it to every statement; the
rows Neo4j returns are mapped to the wire models of ``api.http.schemas`` here and nowhere else.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from itertools import groupby
from typing import Any

from strata.api.http.limits import Limits
from strata.api.http.schemas import (
    ContradictionOut,
    IngestOut,
    InteractionBatch,
    InteractionBody,
    InteractionPage,
    InteractionSummary,
    PersonaFactOut,
    PersonaInsightOut,
    PersonaOut,
    PredicateGroup,
    SubjectGroup,
)
from strata.graph.db import Graph
from strata.graph.errors import LimitExceeded, ValidationError
from strata.ingest.models import InteractionIn
from strata.ingest.sources import validate_interaction
from strata.query.contradictions import NUMERIC, check_facts
from strata.query.contradictions import to_json as contradiction_json

OLDEST = -(2**53)  # sort key of interactions without a time: older than any real one

Row = dict[str, Any]


# ---- ingest ---------------------------------------------------------------------------------


def to_interactions(
    body: InteractionBody | InteractionBatch, owner: str, limits: Limits
) -> list[InteractionIn]:
    """Validate a request body into owned interactions (413 when it asks too much)."""
    items = body.interactions if isinstance(body, InteractionBatch) else [body]
    if len(items) > limits.max_interactions:
        raise LimitExceeded(
            f"{len(items)} interactions in one request; the limit is {limits.max_interactions}"
        )
    messages = sum(len(it.messages) for it in items)
    if messages > limits.max_messages:
        raise LimitExceeded(
            f"{messages} messages in one request; the limit is {limits.max_messages}"
        )
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        where = f"body.interactions.{i}" if isinstance(body, InteractionBatch) else "body"
        if item.id is not None:
            if item.id in seen:
                raise ValidationError(
                    f"id {item.id!r} repeats interactions.{seen[item.id]}", where=f"{where}.id"
                )
            seen[item.id] = i
        _unique_message_ids(item, where)
        out.append(validate_interaction(item.model_dump(exclude={"user_id"}), where, owner))
    return out


def acknowledge(
    state: Any, graph: Graph, body: InteractionBody | InteractionBatch, owner: str, wait: bool
) -> IngestOut:
    """What the server does with a write (the REST route, the MCP tool over HTTP): the
    conversations in one transaction with concurrent requests' (group commit; each takes its
    owners' writer locks in the graph), answered once durable and searchable; derived memory is
    left to the enrichment worker (``state.enricher``) unless ``wait``."""
    from strata.api.runtime import pipeline

    interactions = to_interactions(body, owner, state.limits)
    summary = pipeline(graph).ingest(
        interactions, enrich=wait, commit=lambda batch: state.commits.write(graph, batch)
    )
    if not wait:
        state.enricher.submit(summary.users)
    out = IngestOut.model_validate(summary.as_dict())
    return out.model_copy(update={"enrichment": "done" if wait else "pending"})


def _unique_message_ids(item: InteractionBody, where: str) -> None:
    ids: dict[str, int] = {}
    for j, m in enumerate(item.messages):
        if m.id is None:
            continue
        if m.id in ids:
            raise ValidationError(
                f"id {m.id!r} repeats messages.{ids[m.id]}", where=f"{where}.messages.{j}.id"
            )
        ids[m.id] = j


class OwnerLocks:
    """One writer per owner at a time in this process.

    Concurrent ingests for the SAME user MERGE the same entity and fact nodes in different
    orders and deadlock in Neo4j (the driver retries, but under load the retries run out and
    the request fails). Different users share no nodes, so they still ingest in parallel.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}  # owner → (lock, holders)

    @contextmanager
    def hold(self, owner: str) -> Iterator[None]:
        with self._guard:
            lock, holders = self._locks.get(owner, (threading.Lock(), 0))
            self._locks[owner] = (lock, holders + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, holders = self._locks[owner]
                if holders == 1:
                    del self._locks[owner]
                else:
                    self._locks[owner] = (lock, holders - 1)


# ---- paging ---------------------------------------------------------------------------------


def encode_cursor(t: int, last_id: str) -> str:
    raw = json.dumps([t, last_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """``(t, id)`` of a cursor from ``encode_cursor``; ``ValidationError`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        t, last_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise ValidationError("not a cursor from this API", where="query.cursor") from None
    if not isinstance(t, int) or isinstance(t, bool) or not isinstance(last_id, str):
        raise ValidationError("not a cursor from this API", where="query.cursor")
    if not OLDEST <= t < 2**63 or len(last_id) > 200:
        raise ValidationError("not a cursor from this API", where="query.cursor")
    return t, last_id


def list_interactions(graph: Graph, owner: str, limit: int, cursor: str | None) -> InteractionPage:
    """One page, newest first; ``next_cursor`` is None on the last page."""
    before_t, before_id = decode_cursor(cursor) if cursor else (None, None)
    rows = graph.read(
        "api/list_interactions",
        user_id=owner,
        before_t=before_t,
        before_id=before_id,
        limit=limit + 1,
        oldest=OLDEST,
    )
    page = rows[:limit]
    more = len(rows) > limit
    return InteractionPage(
        items=[
            InteractionSummary(
                id=r["id"],
                source_id=r["source_id"],
                started_at=native_time(r["started_at"]),
                turn_count=r["turn_count"] or 0,
                preview=r["preview"],
            )
            for r in page
        ],
        next_cursor=encode_cursor(page[-1]["t"], page[-1]["id"]) if more else None,
    )


# ---- persona --------------------------------------------------------------------------------


def persona(graph: Graph, owner: str, limit: int) -> PersonaOut:
    """Facts grouped by subject and predicate, open conflicts, and persona insights."""
    facts, insights = graph.read_many(
        [
            ("api/persona_facts", {"user_id": owner, "limit": limit + 1}),
            ("api/persona_insights", {"user_id": owner, "limit": limit}),
        ]
    )
    truncated = len(facts) > limit
    facts = facts[:limit]
    for f in facts:
        for key in ("valid_from", "valid_to", "stated_at"):
            f[key] = native_time(f[key])
    # open facts, plus every age/birth date/age gap: a birth date never closes, so an age
    # superseded by a later age still bounds it (query/contradictions.py)
    checked = [f for f in facts if f["valid_to"] is None or f["predicate"] in NUMERIC]
    conflicts = [
        ContradictionOut(**contradiction_json(c)) for c in check_facts(checked).contradictions
    ]
    return PersonaOut(
        subjects=_group(facts),
        conflicts=conflicts,
        insights=[
            PersonaInsightOut(
                **{k: r[k] for k in ("id", "text", "subject", "predicate", "object")},
                polarity=r["polarity"],
                support=r["support"],
                retired=bool(r["retired"]),
                supporting_fact_ids=r["supporting"],
                contradicting_fact_ids=r["contradicting"],
                sources=r["sources"],
                status=r["status"],
            )
            for r in insights
        ],
        truncated=truncated,
    )


def _group(facts: list[Row]) -> list[SubjectGroup]:
    out = []
    for subject, by_subject in groupby(facts, key=lambda f: f["subject"]):
        rows = list(by_subject)
        out.append(
            SubjectGroup(
                subject=subject or "",
                name=rows[0]["subject_name"],
                predicates=[
                    PredicateGroup(predicate=p or "", facts=[_fact(f) for f in group])
                    for p, group in groupby(rows, key=lambda f: f["predicate"])
                ],
            )
        )
    return out


def _fact(f: Row) -> PersonaFactOut:
    return PersonaFactOut(
        id=f["id"],
        text=f["text"],
        object=f["object"],
        polarity=f["polarity"],
        confidence=f["confidence"],
        valid_from=f["valid_from"],
        valid_to=f["valid_to"],
        superseded_by=f["superseded_by"],
        open=f["valid_to"] is None,
        evidence_turn_ids=f["evidence"],
        stated_at=f["stated_at"],
    )


# ---- values ---------------------------------------------------------------------------------


def native_time(v: Any) -> datetime | None:
    """A Neo4j temporal value (or None) as a Python datetime; dates become midnight UTC."""
    if v is None:
        return None
    if hasattr(v, "to_native"):
        v = v.to_native()
    if isinstance(v, datetime):
        return v
    if isinstance(v, date):
        return datetime.combine(v, time())
    return None
