"""Placeholders of an owner's personal values (``STRATA_PII=mask``), kept as ``PiiValue`` nodes.

The graph sees only what the key made: the HMAC that names a value and its ciphertext. Numbers
are given per owner and kind in order of first appearance (``<EMAIL_1>``, ``<EMAIL_2>``, ...);
a value keeps its placeholder for good, so re-ingesting converges. Reading the numbers and
writing new values is one transaction that first holds the owner's writer lock (``owner_lock``),
so writers of one owner, in any process, number one after the other; the uniqueness constraints
of ``V016__pii_values`` back this up (never a placeholder that stands for two values).
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import ManagedTransaction

from strata.graph import cypher
from strata.graph.db import Graph
from strata.graph.store import owner_lock


@dataclass(frozen=True)
class NewValue:
    hmac: str
    kind: str  # e.g. "EMAIL"
    ciphertext: str


def assign_placeholders(graph: Graph, owner: str, values: list[NewValue]) -> dict[str, str]:
    """HMAC → placeholder for each value, recording the ones the owner never had before."""
    if not values:
        return {}
    values = list({v.hmac: v for v in values}.values())
    hmacs = sorted(v.hmac for v in values)

    def work(tx: ManagedTransaction) -> dict[str, str]:
        lock, params = owner_lock([owner])  # writers of this owner wait for each other
        tx.run(cypher.load(lock), params).consume()
        rows = [
            r.data() for r in tx.run(cypher.load("pii/read_values"), user_id=owner, hmacs=hmacs)
        ]
        known = {r["hmac"]: r["placeholder"] for r in rows if r["hmac"] is not None}
        top: dict[str, int] = {}
        for r in rows:
            top[r["kind"]] = max(top.get(r["kind"], 0), r["number"] or 0)
        new: list[dict[str, object]] = []
        for v in values:
            if v.hmac in known:
                continue
            top[v.kind] = top.get(v.kind, 0) + 1
            new.append(
                {
                    "hmac": v.hmac,
                    "kind": v.kind,
                    "number": top[v.kind],
                    "placeholder": f"<{v.kind}_{top[v.kind]}>",
                    "ciphertext": v.ciphertext,
                }
            )
        if new:
            written = tx.run(cypher.load("pii/merge_values"), user_id=owner, rows=new)
            known.update({r["hmac"]: r["placeholder"] for r in written})
        return known

    return graph.transaction(work)


def stored_values(graph: Graph, owner: str) -> list[tuple[str, str]]:
    """(placeholder, ciphertext) of every personal value the owner's memory holds."""
    rows = graph.read("pii/list_values", user_id=owner)
    return [(r["placeholder"], r["ciphertext"]) for r in rows]
