"""Schema migrations: versioned, immutable ``cypher/migrations/V<nnn>__<name>.cypher`` files.

Each file is applied once, in order, and recorded as ``(:Migration {version, name, checksum})``.
A recorded migration whose file changed is an error (files are immutable once released).
Statements use ``IF NOT EXISTS``, so a crash half-way through a file is repaired by re-running.
Migrations run with the parameter ``$dim`` (the configured embedder's dimension, used by the
vector indexes); the embedder in use is recorded in ``(:Migration {version: 0})`` and a
different one is refused rather than silently mixing incomparable vectors.

A migration whose header says ``// Requires: <capability>`` (see ``graph.cypher``) applies only
on servers that have it, and is pending, not skipped for good, elsewhere: the same database
upgraded to a newer Neo4j gets it on its next start. On 2026.01+ this is how the vector indexes
gain the owner as a filter property (V014); 5.26 keeps its unfiltered ones.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import LiteralString, cast

from strata.graph.cypher import Capability, requires_in
from strata.graph.db import Graph
from strata.graph.errors import CypherError, Neo4jUnavailable, SchemaError

_NAME = re.compile(r"^V(\d{3})__(\w+)\.cypher$")


class VectorIndex(StrEnum):
    """The allow-list of vector indexes: one per memory granularity (label)."""

    TURN = "Turn"
    SEGMENT = "Segment"
    INTERACTION = "Interaction"
    FACT = "Fact"
    INSIGHT = "Insight"
    QUERY = "Query"

    @property
    def index_name(self) -> str:
        return f"{self.value.lower()}_embedding"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def requires(self) -> frozenset[Capability]:
        return requires_in(self.text)

    @property
    def statements(self) -> list[LiteralString]:
        body = "\n".join(ln for ln in self.text.splitlines() if not ln.strip().startswith("//"))
        return [cast(LiteralString, s.strip()) for s in body.split(";") if s.strip()]


def available() -> list[Migration]:
    root = resources.files("strata.cypher").joinpath("migrations")
    found = []
    for f in root.iterdir():
        m = _NAME.match(f.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), f.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def applied(graph: Graph) -> dict[int, str]:
    rows = graph.read("schema/applied_migrations")
    return {r["version"]: r["checksum"] for r in rows}


def applicable(graph: Graph) -> list[Migration]:
    """The migrations this server can run (those needing what it lacks wait for an upgrade)."""
    return [m for m in available() if m.requires <= graph.capabilities]


def pending(graph: Graph) -> list[Migration]:
    """Applicable migrations not yet applied; raises if an applied one was edited."""
    done = applied(graph)
    for m in available():
        if m.version in done and done[m.version] != m.checksum:
            raise SchemaError(f"migration V{m.version:03d}__{m.name} changed after it was applied")
    return [m for m in applicable(graph) if m.version not in done]


def migrate(graph: Graph, embedder: str, dim: int, attempts: int = 5) -> list[str]:
    """Apply pending migrations in order; returns the names applied. Idempotent.

    Processes starting together (an API and a CLI) may migrate at once; schema locks can then
    deadlock one of them. Every step is idempotent, so a failed attempt is simply retried.
    """
    for attempt in range(1, attempts + 1):
        try:
            return _migrate(graph, embedder, dim)
        except (CypherError, Neo4jUnavailable):
            if attempt == attempts:
                raise
            time.sleep(0.5 * attempt)
    return []


def _migrate(graph: Graph, embedder: str, dim: int) -> list[str]:
    rows = graph.read("schema/embedder_in_use")
    if rows and (rows[0]["embedder"], rows[0]["dim"]) != (embedder, dim):
        raise SchemaError(
            f"this database holds {rows[0]['embedder']} embeddings (dim {rows[0]['dim']}) but "
            f"the configured embedder is {embedder} (dim {dim}); set STRATA_EMBEDDER back, or "
            "export, forget and re-import to re-embed"
        )
    names = []
    for m in pending(graph):
        for statement in m.statements:
            _apply(graph, statement, dim)
        graph.write("schema/record_migration", version=m.version, name=m.name, checksum=m.checksum)
        names.append(f"V{m.version:03d}__{m.name}")
    graph.write("schema/record_embedder", embedder=embedder, dim=dim)
    return names


def _apply(graph: Graph, statement: LiteralString, dim: int) -> None:
    """Run one DDL statement (DDL cannot share a transaction with writes).

    Two processes starting together may both see a migration as pending; Neo4j then refuses
    the second ``CREATE ... IF NOT EXISTS`` with EquivalentSchemaRuleAlreadyExists. The other
    process created exactly what we wanted, so that one error means done.
    """
    try:
        graph.run_raw(statement, dim=dim)
    except CypherError as e:
        if "EquivalentSchemaRuleAlreadyExists" not in str(e):
            raise


def is_current(graph: Graph) -> bool:
    try:
        return not pending(graph)
    except SchemaError:
        return False
