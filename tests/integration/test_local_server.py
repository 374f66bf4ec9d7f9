"""``strata neo4j start|status|stop`` against real servers, driven through the CLI as a user would.

Two homes start side by side once for the whole module (a cold start takes ~15 s): ``plain``
(auth disabled) and ``guarded`` (``STRATA_NEO4J_PASSWORD`` set). Each home lives in its own tmp
directory with its own free ports in 27000-27999, so nothing here touches the instances of
``make run`` or ``make test``. Both are stopped, and their homes removed, when the module ends;
the stop test runs last and checks that no process is left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from neo4j import GraphDatabase
from neo4j import exceptions as nx
from tests_support import free_ports

from strata.graph.local import archive
from strata.graph.local.lines import LINES, line_for
from strata.graph.local.server import LINE_FILE, LocalNeo4j
from strata.graph.settings import Settings

pytestmark = pytest.mark.integration

STRATA = Path(sys.executable).with_name("strata")
PASSWORD = "integration-secret-42"
PID_FILE = "strata-neo4j.pid"
START_TIMEOUT = 300
LINE = line_for(Settings().neo4j_version)  # the line under test (STRATA_NEO4J_VERSION)


def _processes_naming(home: Path) -> list[int]:
    """Pids of processes whose command line names ``home`` (a sibling home sharing a prefix does not
    count)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(a == f"--home-dir={home}" or f"{home}/" in a for a in args):
            pids.append(int(cmdline.parent.name))
    return pids


@dataclass(frozen=True)
class Home:
    path: Path
    bolt_port: int
    http_port: int
    password: str | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "STRATA_NEO4J_HOME": str(self.path),
            "STRATA_NEO4J_BOLT_PORT": str(self.bolt_port),
            "STRATA_NEO4J_HTTP_PORT": str(self.http_port),
            "STRATA_NEO4J_URI": "",
            "STRATA_NEO4J_PASSWORD": self.password or "",
            "STRATA_NEO4J_HEAP": "512m",
            "STRATA_NEO4J_PAGECACHE": "128m",
            "STRATA_NEO4J_START_TIMEOUT": str(START_TIMEOUT - 30),
        }

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def pid_file(self) -> Path:
        return self.path / "run" / PID_FILE

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(STRATA), *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run(self, *args: str, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(STRATA), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def status(self) -> tuple[int, dict[str, object]]:
        done = self.run("neo4j", "status", "--json", timeout=60)
        return done.returncode, json.loads(done.stdout)


@dataclass(frozen=True)
class Servers:
    plain: Home
    guarded: Home
    sleeper_pid: int  # an alive, non-java process whose pid was left in plain's pid file


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    root = tmp_path_factory.mktemp("neo4j-homes")
    ports = free_ports(4)
    plain = Home(root / "neo4j-a", ports[0], ports[1])
    guarded = Home(root / "neo4j-b", ports[2], ports[3], password=PASSWORD)
    homes = (plain, guarded)
    # Stale pid files: an alive process that is not a Neo4j server, and a pid that does not exist.
    sleeper = subprocess.Popen(["sleep", "3600"])
    for home, stale in ((plain, sleeper.pid), (guarded, 999_999)):
        home.pid_file.parent.mkdir(parents=True)
        home.pid_file.write_text(str(stale))
    try:
        starting = [h.popen("neo4j", "start") for h in homes]
        for home, proc in zip(homes, starting, strict=True):
            try:
                out, _ = proc.communicate(timeout=START_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
            if proc.returncode != 0:
                pytest.fail(f"strata neo4j start failed for {home.path}:\n{out}", pytrace=False)
        yield Servers(plain, guarded, sleeper.pid)
    finally:
        for home in homes:
            home.run("neo4j", "stop", timeout=120)
        sleeper.kill()
        sleeper.wait()
        shutil.rmtree(root, ignore_errors=True)  # each home preallocates ~500 MB of tx logs


def test_start_reports_versions_and_serves_the_browser(servers: Servers) -> None:
    code, status = servers.plain.status()
    assert code == 0
    assert status["running"] is True
    assert status["neo4j_version"] == LINE.neo4j
    assert status["gds_version"] == LINE.gds
    assert status["apoc_version"] == LINE.apoc  # None on 2026.01: APOC stops at 5.26
    assert status["bolt_uri"] == servers.plain.bolt_uri
    assert status["browser_url"] == f"http://127.0.0.1:{servers.plain.http_port}/browser/"
    page = httpx.get(str(status["browser_url"]), timeout=30)
    assert page.status_code == 200
    assert "neo4j browser" in page.text.lower()


@pytest.mark.parametrize("which", ["plain", "guarded"])
def test_starting_again_is_a_no_op(servers: Servers, which: str) -> None:
    home: Home = getattr(servers, which)
    _, before = home.status()
    done = home.run("neo4j", "start")
    assert done.returncode == 0, done.stdout + done.stderr
    _, after = home.status()
    assert after["running"] is True
    assert after["pid"] == before["pid"]


def test_a_stale_pid_file_does_not_prevent_start(servers: Servers) -> None:
    """The fixture started both homes over stale pid files; the bystander was left alone."""
    for home, stale in ((servers.plain, servers.sleeper_pid), (servers.guarded, 999_999)):
        _, status = home.status()
        assert status["running"] is True
        assert status["pid"] not in (None, stale)
        assert int(home.pid_file.read_text()) == status["pid"]
    os.kill(servers.sleeper_pid, 0)  # still alive: start must not signal a pid that is not ours


def test_a_password_is_required_when_set(servers: Servers) -> None:
    uri = servers.guarded.bolt_uri
    for auth in (None, ("neo4j", "not-the-password")):
        with (
            pytest.raises(nx.AuthError),
            GraphDatabase.driver(uri, auth=auth, connection_timeout=10) as driver,
        ):
            driver.verify_connectivity()
    with GraphDatabase.driver(uri, auth=("neo4j", PASSWORD), connection_timeout=10) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1
    code, status = servers.guarded.status()
    assert code == 0
    assert status["running"] is True
    assert status["gds_version"] == LINE.gds


def test_two_homes_run_side_by_side(servers: Servers) -> None:
    _, plain = servers.plain.status()
    _, guarded = servers.guarded.status()
    assert plain["running"] is True
    assert guarded["running"] is True
    assert plain["pid"] != guarded["pid"]
    assert plain["home"] != guarded["home"]
    marker = f"side-by-side-{os.getpid()}"
    with GraphDatabase.driver(servers.plain.bolt_uri, auth=None) as driver:
        driver.execute_query("CREATE (:StrataProbe {marker: $m})", m=marker)
        seen, _, _ = driver.execute_query(
            "MATCH (p:StrataProbe {marker: $m}) RETURN count(p) AS n", m=marker
        )
    assert seen[0]["n"] == 1
    with GraphDatabase.driver(servers.guarded.bolt_uri, auth=("neo4j", PASSWORD)) as driver:
        other, _, _ = driver.execute_query(
            "MATCH (p:StrataProbe {marker: $m}) RETURN count(p) AS n", m=marker
        )
    assert other[0]["n"] == 0


def _mapped_files(pid: int) -> set[str]:
    return {line.split()[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()}


def test_servers_map_the_class_archive_setup_recorded(servers: Servers) -> None:
    """Setup recorded a class archive of a server start; every start maps it (JDK AppCDS)."""
    recorded = archive.path(LocalNeo4j(Settings(neo4j_uri=None)))
    assert recorded.is_file(), "`strata neo4j install` should have recorded the class archive"
    for home in (servers.plain, servers.guarded):
        _, status = home.status()
        assert str(recorded) in _mapped_files(int(str(status["pid"])))


def _linked_artifacts(tmp_path: Path) -> Path:
    """An artifact cache of links to the real jars, without the real cache's class archive."""
    real = LocalNeo4j(Settings(neo4j_uri=None)).artifacts
    artifacts = tmp_path / "artifacts"
    (artifacts / real.name).mkdir(parents=True)
    for part in ("lib", "plugins", "versions.json"):
        (artifacts / real.name / part).symlink_to(real / part)
    return artifacts


def test_a_failed_recording_is_not_retried_and_install_still_succeeds(tmp_path: Path) -> None:
    """A recorder JVM that cannot start (here: a heap size it refuses) leaves no archive and a
    marker, so later installs and starts do not pay for another attempt."""
    bolt, http = free_ports(2)
    settings = Settings(
        neo4j_uri=None,
        neo4j_artifacts=_linked_artifacts(tmp_path),
        neo4j_home=tmp_path / "home",
        neo4j_bolt_port=bolt,
        neo4j_http_port=http,
        neo4j_heap="not-a-size",
    )
    local = LocalNeo4j(settings)
    assert local.install() == local.artifacts
    recorded = archive.path(local)
    assert not recorded.exists()
    assert recorded.with_suffix(".failed").exists()
    assert not list(local.artifacts.glob(".record-*"))
    assert archive.record(local) is None  # not retried


def test_an_unusable_class_archive_only_slows_the_start(tmp_path: Path) -> None:
    """A corrupt archive (a torn copy, another JDK's) must not keep the server from starting."""
    artifacts = _linked_artifacts(tmp_path)
    corrupt = archive.path(LocalNeo4j(Settings(neo4j_uri=None, neo4j_artifacts=artifacts)))
    corrupt.write_bytes(os.urandom(1 << 20))
    bolt, http = free_ports(2)
    home = Home(tmp_path / "home", bolt, http)
    env = {**home.env, "STRATA_NEO4J_ARTIFACTS": str(artifacts)}
    try:
        done = subprocess.run(
            [str(STRATA), "neo4j", "start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        pid = int(home.pid_file.read_text())
        assert str(corrupt) not in _mapped_files(pid)
        with GraphDatabase.driver(home.bolt_uri, auth=None) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
    finally:
        subprocess.run([str(STRATA), "neo4j", "stop"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(home.path, ignore_errors=True)  # ~500 MB of preallocated tx logs


def test_a_pid_file_naming_another_homes_server_is_not_trusted(servers: Servers) -> None:
    """``<root>/neo4j`` is a prefix of ``<root>/neo4j-b``: its stop must not kill that server."""
    prefix = servers.guarded.path.with_name("neo4j")
    bolt, http = free_ports(2)
    bystander = Home(prefix, bolt, http)
    _, guarded = servers.guarded.status()
    bystander.pid_file.parent.mkdir(parents=True)
    bystander.pid_file.write_text(str(guarded["pid"]))

    code, status = bystander.status()
    assert code == 3
    assert status["running"] is False
    assert status["pid"] is None
    assert bystander.run("neo4j", "stop", timeout=120).returncode == 0
    _, still = servers.guarded.status()
    assert still["running"] is True
    assert still["pid"] == guarded["pid"]


@pytest.mark.parametrize("taken", ["bolt", "http"])
def test_a_port_another_server_holds_is_refused_not_borrowed(
    servers: Servers, tmp_path: Path, taken: str
) -> None:
    """A home configured onto a port where another Neo4j already answers must not start "fine"
    and then send its data to that other server."""
    bolt, http = free_ports(2)
    if taken == "bolt":
        bolt = servers.plain.bolt_port
    else:
        http = servers.plain.http_port
    clash = Home(tmp_path / "clash", bolt, http)

    done = clash.run("neo4j", "start")

    assert done.returncode != 0
    port = bolt if taken == "bolt" else http
    assert f"port {port} is in use" in done.stdout + done.stderr
    assert f"STRATA_NEO4J_{taken.upper()}_PORT" in done.stdout + done.stderr
    assert _processes_naming(clash.path) == []
    assert not clash.pid_file.exists()
    _, plain = servers.plain.status()
    assert plain["running"] is True


def test_a_home_another_line_wrote_is_refused(tmp_path: Path) -> None:
    """Opening a store with another Neo4j line would upgrade it for good (or fail half-way):
    each line keeps its own home, and start names the way out."""
    other = next(line for line in LINES.values() if line != LINE)
    bolt, http = free_ports(2)
    home = Home(tmp_path / "home", bolt, http)
    home.path.mkdir()
    (home.path / LINE_FILE).write_text(other.name)

    done = home.run("neo4j", "start")

    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert f"holds a Neo4j {other.name} store" in out
    assert "STRATA_NEO4J_HOME" in out
    assert _processes_naming(home.path) == []


def test_stop_leaves_no_process_behind(servers: Servers) -> None:
    """Runs last: stops both servers (the fixture's own stop is then a no-op)."""
    for home in (servers.plain, servers.guarded):
        assert _processes_naming(home.path), "the server should be running before stop"
        done = home.run("neo4j", "stop", timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        assert _processes_naming(home.path) == []
        assert not home.pid_file.exists()
        code, status = home.status()
        assert code == 3
        assert status["running"] is False
        assert status["pid"] is None
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", home.bolt_port)) != 0
