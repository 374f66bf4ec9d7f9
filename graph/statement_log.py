"""Where Neo4j's time goes, per named statement: an opt-in diagnostic log.

The query log (``db.logs.query.*``) is an Enterprise feature; the Community server Strata runs
locally accepts the settings and writes nothing. Instead, with ``STRATA_STATEMENT_LOG=<file>``
every process (the API server, the enrichment child, a CLI) appends one tab-separated line per
statement: ``pid, "stmt", name, server ms`` where the server time is what Neo4j reports in the
result summary (``result_available_after + result_consumed_after``: planning, execution and
streaming, lock waits included), and per write transaction lines ``pid, "tx", the statement
names joined by "+", wall ms`` (the statements plus the commit, as the client saw it), the same
with "tx-commit" (the commit), "tx-other" (the rest: round trips, client time, retries) and
"tx-lock" (the wait for the owners' writer locks, when the transaction starts with them).
``python -m strata.graph.statement_log <file>`` sums the lines per name. Unset, nothing is recorded.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from neo4j import ResultSummary

_LOCK = threading.Lock()


class StatementLog:
    """Appends to one file; lines are short single writes, so processes do not interleave."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def statement(self, name: str, summary: ResultSummary) -> float:
        """Records the statement's server time; returns it (ms)."""
        ms = float((summary.result_available_after or 0) + (summary.result_consumed_after or 0))
        if self.path is not None:
            self._append("stmt", name, ms)
        return ms

    def transaction(
        self, names: list[str], wall_ms: float, spent: list[float], commit_ms: float
    ) -> None:
        """A write transaction: its wall time, its commit (from its last statement's end to
        the transaction's), the rest that was not its statements (round trips, client time,
        retries) and, when it starts with the writer lock, the lock wait."""
        if self.path is None:
            return
        key = "+".join(names)
        self._append("tx", key, wall_ms)
        self._append("tx-commit", key, commit_ms)
        self._append("tx-other", key, wall_ms - commit_ms - sum(spent))
        if names and names[0] == "ingest/lock_owners" and spent:
            self._append("tx-lock", key, spent[0])

    def _append(self, kind: str, name: str, ms: float) -> None:
        assert self.path is not None
        line = f"{os.getpid()}\t{kind}\t{name}\t{ms:.1f}\n".encode()
        with _LOCK:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)


def summarise(lines: list[str]) -> list[tuple[str, str, int, float]]:
    """(kind, name, count, total ms) per kind and name, the most time first."""
    totals: dict[tuple[str, str], list[float]] = {}
    for line in lines:
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            continue
        acc = totals.setdefault((parts[1], parts[2]), [0, 0.0])
        acc[0] += 1
        acc[1] += float(parts[3])
    rows = [(k, n, int(c), t) for (k, n), (c, t) in totals.items()]
    return sorted(rows, key=lambda r: -r[3])


if __name__ == "__main__":
    for kind, name, count, total in summarise(Path(sys.argv[1]).read_text().splitlines()):
        print(f"{kind}\t{count}\t{total / 1e3:.1f}\t{name}")
