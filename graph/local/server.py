"""A project-managed Neo4j Community (with GDS, the Browser, and APOC on 5.26), no Docker needed.

``STRATA_NEO4J_VERSION`` picks the line (``lines.py``: 5.26 LTS or 2026.01); its artifacts are
resolved from Maven Central by the line's POM (next to this file) into a cache outside the
repository (``STRATA_NEO4J_ARTIFACTS``), split into ``lib/`` (server and libraries) and
``plugins/`` (GDS and APOC procedures) by ``artifacts.py``. A *home* (``STRATA_NEO4J_HOME``)
holds only conf, data, logs and run files, so several homes share one artifact cache and can
run side by side on different ports.

Invariants: the server listens on loopback only; ``start`` is a no-op when the server is
already up and survives a stale pid file; ``stop`` leaves no java process behind; a home is
bound to the line that created its store (another line refuses to open it).

The server runs with the JVM options and ``neo4j.conf`` of ``conf.py``. Install also records a
class archive of a server start (``archive.py``), which every start maps.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from neo4j import GraphDatabase
from neo4j import exceptions as nx

from strata.graph import cypher
from strata.graph.errors import ConfigError, Neo4jUnavailable
from strata.graph.local import archive
from strata.graph.local.artifacts import fetch_artifacts
from strata.graph.local.conf import JVM_OPTIONS, neo4j_conf
from strata.graph.local.java import find_java
from strata.graph.local.lines import ENTRY_POINTS, line_for
from strata.graph.settings import Settings

PID_FILE = "strata-neo4j.pid"
LINE_FILE = "strata-neo4j-line"  # in a home: the line that created its store
_CHILDREN: list[subprocess.Popen[bytes]] = []


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    bolt_uri: str
    http_url: str
    browser_url: str
    home: str
    neo4j_version: str | None = None
    gds_version: str | None = None
    apoc_version: str | None = None

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)


class LocalNeo4j:
    """Install, start, stop and inspect the local server named by ``Settings``."""

    def __init__(self, settings: Settings, record_classes: Path | None = None) -> None:
        if not settings.local:
            raise ConfigError("STRATA_NEO4J_URI is set: Strata uses that server and starts none")
        self.s = settings
        self.line = line_for(settings.neo4j_version)
        self.home = settings.neo4j_home.expanduser().resolve()
        self.pom = resources.files("strata.graph").joinpath("local", self.line.pom)
        pom_hash = hashlib.sha256(self.pom.read_bytes()).hexdigest()[:12]
        self.artifacts = settings.neo4j_artifacts.expanduser().resolve() / pom_hash
        self.record_classes = record_classes  # this server dumps its classes there at exit

    # ---- install -----------------------------------------------------------------------------

    @property
    def installed(self) -> bool:
        return (self.artifacts / "versions.json").is_file()

    def install(self) -> Path:
        """Resolve the jars from Maven Central once (cached by POM checksum), then record the
        class archive for this Java if there is none yet."""
        if not self.installed:
            fetch_artifacts(self.pom.read_bytes(), self.artifacts)
        if self.record_classes is None:
            archive.record(self)
        return self.artifacts

    def versions(self) -> dict[str, str]:
        return dict(json.loads((self.artifacts / "versions.json").read_text()))

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Status:
        """Start the server and wait until Bolt answers; no-op when it is already running.

        Concurrent starts of one home are serialised by a lock file. A server of this home
        that is alive but slow to answer (a busy machine) is waited for, never restarted.
        """
        (self.home / "run").mkdir(parents=True, exist_ok=True)
        with (self.home / "run" / "start.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            pid = self.pid()
            if pid is not None:
                self._wait_ready(lambda: _alive(pid))
                return self.status()
            (self.home / "run" / PID_FILE).unlink(missing_ok=True)  # stale or recycled pid
            self._launch()
            return self.status()

    def _launch(self) -> None:
        self.install()
        self._check_line()
        self._check_ports_free()
        self._write_conf()
        if self.s.auth is not None and not (self.home / "data" / "dbms" / "auth.ini").exists():
            self._set_initial_password()
        with (self.home / "logs" / "console.log").open("wb") as log:  # the child keeps its fd
            proc = subprocess.Popen(
                [
                    *self._java_cmd(),
                    self.line.entry_point,
                    f"--home-dir={self.home}",
                    f"--config-dir={self.home / 'conf'}",
                    "--console-mode",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.home,
            )
        _CHILDREN.append(proc)  # the server outlives this call; keep the handle, reap on stop
        (self.home / "run" / PID_FILE).write_text(str(proc.pid))
        self._wait_ready(lambda: proc.poll() is None)

    def _check_line(self) -> None:
        """Refuse a home whose store another line wrote (homes from before lines were 5.26)."""
        marker = self.home / LINE_FILE
        if marker.is_file():
            wrote = marker.read_text().strip()
        elif (self.home / "data" / "databases").is_dir():
            wrote = "5.26"
        else:
            wrote = self.line.name
        if wrote != self.line.name:
            raise ConfigError(
                f"{self.home} holds a Neo4j {wrote} store; STRATA_NEO4J_VERSION="
                f"{self.s.neo4j_version} needs a home of its own (unset STRATA_NEO4J_HOME for the "
                "default one, or name another)"
            )
        marker.write_text(self.line.name)

    def _check_ports_free(self) -> None:
        """Refuse to start over a port another process listens on: readiness is "Bolt answers
        on the port", so another server there (a second home, Neo4j Desktop) would pass for
        ours while ours died on the bind, and the data would go to the wrong database."""
        for name, port in (("BOLT", self.s.neo4j_bolt_port), ("HTTP", self.s.neo4j_http_port)):
            if port_in_use(port):
                raise Neo4jUnavailable(
                    f"port {port} is in use by another process; stop it, or give this home "
                    f"({self.home}) another port with STRATA_NEO4J_{name}_PORT"
                )

    def stop(self, timeout: float = 60.0) -> None:
        """SIGTERM the server, wait, then SIGKILL; remove the pid file."""
        pid = self.pid()
        if pid is not None:
            _signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _alive(pid):
                _signal(pid, signal.SIGKILL)
                while _alive(pid):
                    time.sleep(0.1)
        for child in [c for c in _CHILDREN if c.poll() is not None]:  # reap what we started
            _CHILDREN.remove(child)
        (self.home / "run" / PID_FILE).unlink(missing_ok=True)

    def pid(self) -> int | None:
        """The pid of OUR running server, or None (a recycled pid is not ours)."""
        try:
            pid = int((self.home / "run" / PID_FILE).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            return None
        # Whole arguments, not substrings: home /x/neo4j must not claim the server of /x/neo4j-b.
        ours = f"--home-dir={self.home}" in args and not ENTRY_POINTS.isdisjoint(args)
        return pid if ours else None

    def status(self) -> Status:
        pid = self.pid()
        versions = self._query_versions() if pid is not None else {}
        return Status(
            running=bool(versions),
            pid=pid,
            bolt_uri=self.s.bolt_uri,
            http_url=self.s.http_url,
            browser_url=f"{self.s.http_url}/browser/",
            home=str(self.home),
            neo4j_version=versions.get("neo4j"),
            gds_version=versions.get("gds"),
            apoc_version=versions.get("apoc"),
        )

    # ---- internals ---------------------------------------------------------------------------

    @functools.cache  # noqa: B019 (one LocalNeo4j per command; probing runs `java -version`)
    def java(self) -> str:
        return find_java(self.line, self.s.neo4j_java_home)

    def classpath(self) -> str:
        return ":".join(
            [
                f"{self.artifacts / 'plugins'}/*",
                f"{self.home / 'conf'}/*",
                f"{self.artifacts / 'lib'}/*",
            ]
        )

    def _java_cmd(self) -> list[str]:
        if self.record_classes is not None:
            sharing = [f"-XX:ArchiveClassesAtExit={self.record_classes}"]
        else:
            recorded = archive.path(self)
            sharing = [f"-XX:SharedArchiveFile={recorded}"] if recorded.is_file() else []
        return [
            self.java(),
            "-cp",
            self.classpath(),
            *sharing,
            *JVM_OPTIONS,
            f"-Xms{self.s.neo4j_heap}",
            f"-Xmx{self.s.neo4j_heap}",
        ]

    def _write_conf(self) -> None:
        for sub in ("conf", "data", "logs", "run", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        conf = neo4j_conf(self.s, self.home, self.artifacts)
        text = "".join(f"{k}={v}\n" for k, v in conf.items())
        (self.home / "conf" / "neo4j.conf").write_text(text)
        if self.line.apoc is not None:
            (self.home / "conf" / "apoc.conf").write_text("apoc.export.file.enabled=false\n")

    def _set_initial_password(self) -> None:
        assert self.s.auth is not None
        done = subprocess.run(
            [
                *self._java_cmd(),
                "org.neo4j.server.startup.Neo4jAdminCommand",
                "dbms",
                "set-initial-password",
                self.s.auth[1],
            ],
            capture_output=True,
            text=True,
            cwd=self.home,
            env={**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")},
        )
        if done.returncode != 0:
            raise Neo4jUnavailable(f"could not set the initial password: {done.stderr[-2000:]}")

    def _wait_ready(self, running: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.s.neo4j_start_timeout
        while time.monotonic() < deadline:
            if not running():
                raise Neo4jUnavailable(f"Neo4j exited:\n{self._log_tail()}")
            if self._bolt_answers():
                return
            time.sleep(0.5)
        self.stop()
        raise Neo4jUnavailable(
            f"Neo4j did not answer within {self.s.neo4j_start_timeout}s:\n{self._log_tail()}"
        )

    def _bolt_answers(self) -> bool:
        try:
            with GraphDatabase.driver(self.s.bolt_uri, auth=self.s.auth, connection_timeout=2) as d:
                d.verify_connectivity()
            return True
        except (nx.DriverError, nx.Neo4jError, OSError):
            return False

    def _query_versions(self) -> dict[str, str]:
        try:
            with GraphDatabase.driver(self.s.bolt_uri, auth=self.s.auth, connection_timeout=2) as d:
                rec, _, _ = d.execute_query(cypher.load("schema/component_versions"))
                if self.line.apoc is not None:
                    apoc, _, _ = d.execute_query(cypher.load("schema/apoc_version"))
                    rec += apoc
            return {k: str(v) for r in rec for k, v in r.data().items()}
        except (nx.DriverError, nx.Neo4jError, OSError):
            return {}

    def _log_tail(self) -> str:
        log = self.home / "logs" / "console.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def port_in_use(port: int) -> bool:
    """Whether something listens on ``port`` of loopback (a socket in TIME_WAIT does not count,
    as Neo4j also binds with SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and ") Z" in stat.read_text())


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
