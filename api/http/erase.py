"""Forgetting: a whole user, one interaction, or one message, and derived memory rebuilt
without what went (so it ends as if it had never been sent)."""

from __future__ import annotations

from collections import Counter

from strata.api.http.export import export_line, export_page
from strata.api.http.schemas import NodeLabel
from strata.graph.db import Graph
from strata.graph.errors import NotFound
from strata.graph.store import enrichment_lease, owner_lock
from strata.ingest.models import InteractionIn

FORGET_BATCH = 5_000
# Every label Strata writes: forget seeks exactly these (agent memory's included).
COUNT_LABELS = [label.value for label in NodeLabel] + [
    "SceneModel",
    "Task",
    "Run",
    "Step",
    "Lesson",
    "EnrichmentPending",
    "WriterLock",
    "PiiValue",
]


def forget(graph: Graph, owner: str) -> dict[str, int]:
    """Delete every node of the owner in batches; label → count.

    Each batch seeks the owner's nodes label by label through the owner indexes (Strata writes
    only the labels of ``COUNT_LABELS``), so a forget costs the user's memory, never a scan of
    the database; the export/forget test checks that nothing of the user is left.

    Holds the owner's enrichment lease: a round in flight (which read the memory before the
    forget) writes its links, traits and scenes first, and a round waiting for the lease finds
    no pending mark after it; otherwise a late round re-created scenes and traits of a user
    who asked to be forgotten."""
    deleted: Counter[str] = Counter()
    with enrichment_lease(graph, [owner]):
        while rows := graph.write(
            "api/delete_owned_nodes", user_id=owner, batch=FORGET_BATCH, labels=COUNT_LABELS
        ):
            for r in rows:
                deleted[r["label"]] += r["deleted"]
    return dict(sorted(deleted.items()))


def delete_interaction(graph: Graph, owner: str, interaction_id: str) -> int:
    """Delete one interaction and what only it evidenced, then rebuild the owner's derived
    memory without it; the number of its turns. ``NotFound`` when the owner has no
    interaction of that id (Strata's or the one sent)."""
    from strata.api.runtime import maintainer

    rows = graph.write("api/delete_interaction", user_id=owner, id=interaction_id)
    if not rows:
        raise NotFound(f"no interaction {interaction_id!r} in this user's memory")
    maintainer(graph).rebuild(owner)
    return int(rows[0]["turns"])


def delete_message(
    graph: Graph, owner: str, user_id: str, interaction_id: str, message_id: str
) -> int:
    """Delete one message: its interaction is rewritten without it in ONE transaction (the old
    interaction and what only it evidenced go, the rest is written again), then the owner's
    derived memory is rebuilt; the result is what ingesting the interaction without the
    message would give. A message sent without an id is named by its 0-based position.
    Returns the messages left (0: the interaction is gone). ``NotFound`` for either id."""
    from strata.api.runtime import maintainer, pipeline

    rows = export_page(graph, owner, None, None, only=interaction_id)
    if not rows:
        raise NotFound(f"no interaction {interaction_id!r} in this user's memory")
    line = export_line(rows[0], owner, user_id)
    messages = line["messages"]
    kept = [m for n, m in enumerate(messages) if (m["id"] or str(n)) != message_id]
    if len(kept) == len(messages):
        raise NotFound(f"no message {message_id!r} in interaction {interaction_id!r}")
    if not kept:
        delete_interaction(graph, owner, interaction_id)
        return 0
    rewritten = InteractionIn.model_validate({**line, "user_id": owner, "messages": kept})
    batch = pipeline(graph).build([rewritten], via=rows[0]["via"] or "api")  # as it came in
    delete = ("api/delete_interaction", {"user_id": owner, "id": rows[0]["id"]})
    graph.write_many([owner_lock([owner]), delete, *batch.steps()])  # the lock comes first
    maintainer(graph).rebuild(owner)
    return len(kept)
