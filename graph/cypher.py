"""Loads Cypher statements by name from the ``cypher`` package (``cypher/<area>/<name>.cypher``).

One statement per file; the header comment lists parameters and returned columns. Statement
text is static package data, so it is typed ``LiteralString``-like for the driver: user input
only ever reaches Neo4j as ``$parameters``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import LiteralString, cast

from strata.graph.errors import CypherError


class Capability(StrEnum):
    """What a statement may need beyond Cypher 5 on Neo4j 5.26 Community."""

    APOC = "apoc"
    VECTOR_FILTERS = "vector-filters"


_REQUIRES = re.compile(r"^//\s*Requires:\s*(.+)$", re.MULTILINE)


def requires_in(text: str) -> frozenset[Capability]:
    """The capabilities a statement's header names (an unknown one is an error)."""
    found = frozenset(
        Capability(c.strip()) for m in _REQUIRES.finditer(text) for c in m.group(1).split(",")
    )
    return found


def requires(name: str) -> frozenset[Capability]:
    """The capabilities the statement ``name`` needs from the server."""
    return requires_in(load(name))


@cache
def load(name: str) -> LiteralString:
    """Return the statement ``cypher/<name>.cypher`` (e.g. ``"ingest/merge_turns"``)."""
    path = resources.files("strata.cypher").joinpath(*f"{name}.cypher".split("/"))
    if not path.is_file():
        raise CypherError(f"no Cypher statement named {name!r}")
    return cast(LiteralString, path.read_text(encoding="utf-8").strip())


def all_names() -> list[str]:
    """Every statement name under ``cypher/`` except migrations and Browser favourites."""
    root = resources.files("strata.cypher")
    names: list[str] = []
    for area in sorted(root.iterdir(), key=lambda p: p.name):
        if not area.is_dir() or area.name in {"migrations", "browser", "__pycache__"}:
            continue
        names += [
            f"{area.name}/{f.name[:-7]}" for f in area.iterdir() if f.name.endswith(".cypher")
        ]
    return sorted(names)
