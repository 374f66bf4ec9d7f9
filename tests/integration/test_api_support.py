"""Shared helpers of the ``test_api_*`` modules (no tests here).

The app runs under a real uvicorn in a thread (lifespan off: the session ``graph`` fixture has
already brought Neo4j up and owns the driver), and tests talk HTTP to it with httpx. Each
module gets two fresh tenants with one key each, so nothing here sees another test's data.
"""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from tests_support import running

from strata.api.http.app import create_app
from strata.api.http.limits import Limits
from strata.graph.db import Graph


@dataclass(frozen=True)
class Tenant:
    name: str
    key: str
    http: httpx.Client

    def owner(self, user: str) -> str:
        return f"{self.name}:{user}"


@dataclass(frozen=True)
class Api:
    url: str
    a: Tenant
    b: Tenant


@pytest.fixture(scope="module")
def api(graph: Graph) -> Iterator[Api]:
    """Two fresh tenants on one app; rate limit high enough never to matter here."""
    names = [f"t{uuid.uuid4().hex[:10]}" for _ in range(2)]
    keys = [secrets.token_hex(20) for _ in range(2)]
    app = create_app(
        api_keys=dict(zip(keys, names, strict=True)),
        limits=Limits(rate_per_s=10_000, burst=10_000),
    )
    with running(app) as url:
        clients = [
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {k}"}, timeout=300)
            for k in keys
        ]
        try:
            yield Api(
                url,
                *(Tenant(n, k, c) for n, k, c in zip(names, keys, clients, strict=True)),
            )
        finally:
            for c in clients:
                c.close()


def fresh_user() -> str:
    return f"u-{uuid.uuid4().hex[:12]}"


def census(graph: Graph, owner: str) -> tuple[dict[str, int], dict[str, int]]:
    """(nodes per sorted label set, relationships per type) of one owner; no foreign links."""
    nodes: Counter[str] = Counter()
    for r in graph.read("api/count_owner_nodes", user_id=owner):
        nodes[":".join(sorted(r["labels"]))] += r["nodes"]
    rels = graph.read("api/count_owner_relationships", user_id=owner)
    assert all(r["foreign"] == 0 for r in rels), rels
    return dict(nodes), {r["type"]: r["relationships"] for r in rels}


def conversation(tag: str) -> list[dict[str, Any]]:
    """Three sessions with persona facts that change (superseded), a contradiction, an event,
    a question, an attachment, and every kind of missing id and time.

    ``tag`` makes names unique, so this user's memory is unlike anyone else's.
    """
    me, friend = f"Zora{tag}", f"Quill{tag}"
    city1, city2, hobby = f"Velmar{tag}", f"Oskany{tag}", f"glassblowing{tag}"
    return [
        {
            "id": "s1",
            "started_at": "2023-05-08T13:56:00Z",
            "messages": [
                {"id": "m1", "speaker": me, "text": f"I live in {city1} and I love {hobby}."},
                {"id": "m2", "speaker": friend, "text": "How long have you lived there?"},
                {
                    "id": "m3",
                    "speaker": me,
                    "role": "user",
                    "text": f"Last Saturday I went to a {hobby} class with my sister Anna.",
                    "attachments": [
                        {
                            "kind": "image_caption",
                            "text": "a glowing vase",
                            "url": "https://example.org/vase.jpg",
                        }
                    ],
                },
            ],
        },
        {  # no id, naive time: the export must reproduce the stored id anyway
            "started_at": "2023-08-01T09:00:00",
            "messages": [
                {"speaker": me, "text": f"I moved to {city2} last month. I work as a nurse."},
                {"speaker": friend, "text": f"Do you still like {hobby}?"},
                {"speaker": me, "text": f"I don't like {hobby} anymore."},
            ],
        },
        {  # no id, no session time, message times only
            "messages": [
                {
                    "speaker": me,
                    "text": f"I work as a teacher. I live in {city1} again.",
                    "timestamp": "2023-10-02T18:30:00+02:00",
                },
                {"speaker": friend, "text": "Nice!", "timestamp": "2023-10-02T18:31:00+02:00"},
            ],
        },
    ]
