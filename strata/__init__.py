"""Strata: long-term memory for LLM agents on a real Neo4j graph.

The repository keeps its layers as top-level folders (`ingest/`, `graph/`, `query/`, `api/`,
`cypher/`); this package maps them under one import name, `strata`, so an installed wheel adds
exactly one top-level package.
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from strata.api.library import AsyncMemory, Memory

__all__ = ["AsyncMemory", "Memory", "__version__"]


def __getattr__(name: str) -> Any:
    """``Memory`` and ``AsyncMemory`` load on first use: importing ``strata`` does no work."""
    if name in ("Memory", "AsyncMemory"):
        from strata.api import library

        return getattr(library, name)
    raise AttributeError(f"module 'strata' has no attribute {name!r}")
