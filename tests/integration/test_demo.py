"""``strata demo``, the README's first command (``make run``), as a user runs it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests_support import free_ports

pytestmark = pytest.mark.integration

STRATA = Path(sys.executable).with_name("strata")


def _demo(port: int, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(STRATA), "demo", "--no-serve", "--port", str(port)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _serving(port: int) -> bool:
    return any(
        f"--port\0{port}\0".encode() in cmdline.read_bytes()
        for cmdline in Path("/proc").glob("[0-9]*/cmdline")
        if cmdline.exists()
    )


def test_the_demo_ingests_and_answers_through_the_api(graph: object) -> None:
    done = _demo(free_ports(1)[0])

    assert done.returncode == 0, done.stdout + done.stderr
    assert "ingested: {'interactions': 2, 'turns': 6," in done.stdout
    where = done.stdout.split("Q: Where does Alice live?")[1].split("Q: ")[0]
    first, *rest = [line for line in where.splitlines() if re.match(r"   \d+\.\d{3}  ", line)]
    assert "I live in Berlin now" in first  # the current home, then the old one, marked
    assert any("I live in Paris" in line and "(superseded 2024-06-01)" in line for line in rest)
    assert "lives_in paris -> alice lives_in berlin" in where  # the move is shown as an update
    assert "Ctrl-C" not in done.stdout  # with --no-serve no API is left to visit
    assert "API stopped (--no-serve)" in done.stdout
    assert "leaked" not in done.stderr  # the API and its enrichment child ended cleanly


def test_a_taken_api_port_is_a_clear_error(graph: object) -> None:
    """Another process on the port must not pass for the demo's API (it used to be polled for
    a minute, then the demo posted to whatever listened there)."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        done = _demo(port)

    assert done.returncode == 1
    assert f"port {port} is in use by another process; choose one with --port" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_api_that_cannot_start_is_a_clear_error_and_leaves_nothing_running(
    graph: object,
) -> None:
    port = free_ports(1)[0]
    done = _demo(port, STRATA_API_KEYS="too-short:acme")

    assert done.returncode == 1
    assert "API key #1" in done.stderr  # the API's own reason, then the demo's
    assert "error: the API exited on start (code 1)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not _serving(port)
