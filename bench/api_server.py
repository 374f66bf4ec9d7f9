"""The server a benchmark drives: ``strata serve`` on a free loopback port, with the given keys
for one tenant in a private key file, its log in a temporary directory that ``stop`` removes.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from strata.graph.errors import ConfigError, StrataError

START_TIMEOUT_S = 300.0


@dataclass
class ApiServer:
    """A ``strata serve`` process of its own, for a benchmark to drive over HTTP."""

    proc: subprocess.Popen[bytes]
    url: str
    workdir: Path

    @classmethod
    def start(cls, keys: list[str], tenant: str, progress: Callable[[str], object]) -> ApiServer:
        """``strata serve`` on a free loopback port, keys in a private file; waits for /readyz."""
        workdir = Path(tempfile.mkdtemp(prefix="strata-load-"))
        key_file = workdir / "keys"
        key_file.write_text("".join(f"{k}:{tenant}\n" for k in keys), encoding="utf-8")
        key_file.chmod(0o600)
        port = _free_port()
        env = {**os.environ, "STRATA_API_KEYS": "", "STRATA_API_KEYS_FILE": str(key_file)}
        with (workdir / "server.log").open("wb") as log:  # the child keeps its own handle
            proc = subprocess.Popen(
                [
                    _strata(),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = cls(proc, f"http://127.0.0.1:{port}", workdir)
        progress(f"started strata serve (pid {proc.pid}) on {server.url}; waiting for /readyz")
        server._wait_ready()
        return server

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise StrataError(f"strata serve exited early:\n{self._log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise StrataError(f"strata serve not ready after {START_TIMEOUT_S:g} s")

    def _log_tail(self) -> str:
        try:
            return (self.workdir / "server.log").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _strata() -> str:
    beside = Path(sys.executable).with_name("strata")
    found = str(beside) if beside.exists() else shutil.which("strata")
    if found is None:
        raise ConfigError("cannot find the strata command next to this Python or on PATH")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
