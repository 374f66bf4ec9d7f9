"""A class-data-sharing archive of a Neo4j start (the JDK's dynamic AppCDS).

Recorded once per artifact set and Java binary: a throwaway server on a temporary home starts,
stops cleanly, and its JVM dumps the ~15,000 classes it loaded. Every later start maps the
archive and skips loading, parsing and verifying them (a fresh home is ready in 10–13 s instead
of 16–20 s on two cores). A missing, stale or unusable archive only means a slower start.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from strata.graph.errors import Neo4jUnavailable

if TYPE_CHECKING:
    from strata.graph.local.server import LocalNeo4j


def path(local: LocalNeo4j) -> Path:
    """Where the archive for ``local``'s artifacts and Java lives (a JDK update gets a new one)."""
    java = Path(local.java()).resolve()
    tag = hashlib.sha256(f"{java}:{java.stat().st_mtime_ns}".encode()).hexdigest()[:12]
    return local.artifacts / f"classes-{tag}.jsa"


def record(local: LocalNeo4j) -> Path | None:
    """Record the archive unless it exists; keep the dump only if the JVM maps it. Serialised
    across processes by a lock; a failed recording is not retried (a ``.failed`` marker)."""
    archive = path(local)
    failed = archive.with_suffix(".failed")
    with (local.artifacts / "classes.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if archive.is_file() or failed.exists():
            return archive if archive.is_file() else None
        for stale in local.artifacts.glob(".record-*"):  # a recording that was killed
            shutil.rmtree(stale, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix=".record-", dir=local.artifacts) as tmp:
            dump = Path(tmp) / "classes.jsa"
            bolt, http = _free_ports(2)
            settings = local.s.model_copy(
                update={
                    "neo4j_home": Path(tmp) / "home",
                    "neo4j_bolt_port": bolt,
                    "neo4j_http_port": http,
                    "neo4j_password": None,
                }
            )
            recorder = type(local)(settings, record_classes=dump)
            with contextlib.suppress(Neo4jUnavailable, OSError):  # then: no archive
                recorder.start()
            recorder.stop(timeout=300)  # the JVM writes the archive on its way out
            if dump.is_file() and _maps(local, dump):
                os.replace(dump, archive)
                return archive
        failed.touch()
        return None


def _maps(local: LocalNeo4j, archive: Path) -> bool:
    """True when this JVM, with the server's class path, maps ``archive`` (-Xshare:on)."""
    check = [local.java(), "-Xshare:on", f"-XX:SharedArchiveFile={archive}"]
    check += ["-cp", local.classpath(), "-version"]
    return subprocess.run(check, capture_output=True).returncode == 0


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()
