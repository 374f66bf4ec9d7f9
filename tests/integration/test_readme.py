"""Every Python snippet of the README runs against the real Neo4j, and every JSON one parses
and names a command that exists: the quickstarts cannot rot."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from strata import Memory
from strata.graph.db import Graph
from strata.integrations.langgraph import StrataStore

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```(python|json|bash)\n(.*?)```", re.S)
SNIPPETS = BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_the_three_quickstarts() -> None:
    code = "\n".join(body for kind, body in SNIPPETS if kind == "python")
    assert "from strata import Memory" in code
    assert "from strata.integrations.langgraph import StrataStore" in code
    assert sum(kind == "json" for kind, _ in SNIPPETS) >= 2


@pytest.mark.parametrize(
    "body", [b for k, b in SNIPPETS if k == "python"], ids=lambda b: b.splitlines()[0]
)
def test_python_snippet_runs(graph: Graph, body: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(body, str(README), "exec"), {})
    assert out.getvalue().strip()  # each snippet prints what it found
    Memory().forget("alice")
    StrataStore().delete(("memories", "alice"), "diet")


@pytest.mark.parametrize("body", [b for k, b in SNIPPETS if k == "json"])
def test_json_snippet_parses_and_its_command_exists(body: str) -> None:
    config = json.loads(body)["mcpServers"]["strata"]
    if "command" in config:
        command = README.parent / config["command"]
        assert command.exists() or shutil.which(Path(config["command"]).name)
        assert config["args"] == ["mcp"]
    else:
        assert config["url"].endswith("/mcp")
        assert config["headers"]["Authorization"].startswith("Bearer ")


def test_every_strata_command_in_the_readme_exists() -> None:
    from strata.api.cli import app

    known = {c.name or c.callback.__name__ for c in app.registered_commands if c.callback}
    known |= {g.name for g in app.registered_groups if g.name}
    shell = "\n".join(body for kind, body in SNIPPETS if kind == "bash")
    used = set(re.findall(r"strata (\w[\w-]*)", shell))
    assert used and used <= known, used - known
