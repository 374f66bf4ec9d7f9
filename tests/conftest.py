"""Shared fixtures. Integration tests use the real local Neo4j; they FAIL when it cannot start."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

LOCOMO = Path(__file__).resolve().parents[2] / "shared" / "data" / "locomo" / "locomo10_dev.json"


@pytest.fixture(scope="session", autouse=True)
def process_graph_closed() -> Iterator[None]:
    """A test that built the process graph (an app under a test client does) leaves its driver
    to be closed here, not to the garbage collector."""
    yield
    from strata.graph.db import close_graph

    close_graph()


@pytest.fixture
def user_id() -> str:
    """A fresh user per test: integration tests never see each other's data."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def graph() -> Iterator[object]:
    from strata.api.runtime import ready
    from strata.graph.db import close_graph
    from strata.graph.errors import StrataError

    try:
        g = ready()
        g.verify()
    except StrataError as e:
        pytest.fail(f"the local Neo4j could not start or be reached: {e}", pytrace=False)
    yield g
    close_graph()
