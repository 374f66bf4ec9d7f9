"""Isolation and injection: two tenants with one key each and the SAME user id, plus a second
user in the caller's own tenant. No route lets the caller read, search, export, draw or delete
anyone else's memory, and hostile values in every user-controlled field end in a 4xx or a
correct answer about the caller's own memory, never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from test_api_support import Api, api, census, conversation, fresh_user
from tests_support import WAIT

from strata.graph.db import Graph

pytestmark = pytest.mark.integration
__all__ = ["api"]

PAYLOADS = [
    "'",
    '"',
    "`",
    "\\",
    "' OR 1=1 --",
    "}) MATCH (n) DETACH DELETE n //",
    "'}) MATCH (n) DETACH DELETE n //",
    "`) MATCH (n) DETACH DELETE n //",
    "$user_id",
    "{user_id: 'x'}",
    "text:* OR user_key:*",
    "*:*",
    "+user_key:* +(text:*)",
    "user_id:* AND text:/.*/",
    "[* TO *]",
    'a~2 "phrase"^10',
    "\u0000",
    "nul\u0000byte'",
    "😀🧠 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ß 中文 עברית \u202e",
    "../../etc/passwd",
    "%00%27",
    "\r\n\t",
    "x" * 100_000,
]
IDS = [f"p{n}" for n in range(len(PAYLOADS))]
URL_MAX = 10_000  # httpx refuses URLs over 64 KiB: URL fields get the payload's first 10k
READS = ("interactions", "persona", "graph", "export")


@dataclass(frozen=True)
class World:
    user: str  # the same user id in tenant a (the caller) and tenant b
    neighbour: str  # another user of tenant a
    secrets: tuple[str, str]  # words only tenant b's user and the neighbour ever said
    victims: dict[str, Any]  # owner id → census before any attack


@pytest.fixture(scope="module")
def world(api: Api, graph: Graph) -> World:
    user, neighbour = fresh_user(), fresh_user()
    b_secret, n_secret = f"bsecret{uuid.uuid4().hex[:8]}", f"nsecret{uuid.uuid4().hex[:8]}"
    own = conversation(uuid.uuid4().hex[:6])
    victim_b = _with_secret(conversation(uuid.uuid4().hex[:6]), b_secret)
    victim_n = _with_secret(conversation(uuid.uuid4().hex[:6]), n_secret)
    for client, who, body in [
        (api.a.http, user, own),
        (api.b.http, user, victim_b),
        (api.a.http, neighbour, victim_n),
    ]:
        r = client.post(f"/v1/users/{who}/interactions", params=WAIT, json={"interactions": body})
        assert r.status_code == 200, r.text
    victims = {o: census(graph, o) for o in (api.b.owner(user), api.a.owner(neighbour))}
    return World(user, neighbour, (b_secret, n_secret), victims)


def _with_secret(items: list[dict[str, Any]], secret: str) -> list[dict[str, Any]]:
    first = items[0]["messages"][0]
    items[0]["messages"][0] = {**first, "text": f"{first['text']} My password is {secret}."}
    return items


def _leaks(world: World, response: httpx.Response) -> bool:
    return any(s in response.text for s in world.secrets)


@pytest.fixture(scope="module", autouse=True)
def victims_untouched(api: Api, graph: Graph, world: World) -> Iterator[None]:
    """After every attack in this module, the victims' memory is exactly as it was."""
    yield
    for owner, before in world.victims.items():
        assert census(graph, owner) == before, owner


def test_same_user_id_in_two_tenants_is_two_users(api: Api, world: World) -> None:
    user = world.user
    for tenant, other in ((api.a, api.b), (api.b, api.a)):
        listed = tenant.http.get(f"/v1/users/{user}/interactions").json()["items"]
        theirs = other.http.get(f"/v1/users/{user}/interactions").json()["items"]
        assert listed and theirs and not {i["id"] for i in listed} & {i["id"] for i in theirs}
    b_secret = world.secrets[0]
    for path in READS:
        r = api.a.http.get(f"/v1/users/{user}/{path}")
        assert r.status_code == 200 and not _leaks(world, r), path
    r = api.a.http.post(f"/v1/users/{user}/search", json={"query": f"password {b_secret}"})
    assert r.status_code == 200 and not _leaks(world, r)
    r = api.b.http.post(f"/v1/users/{user}/search", json={"query": f"password {b_secret}"})
    assert b_secret in r.text  # the owner does find it
    name = next(s["name"] for s in api.b.http.get(f"/v1/users/{user}/persona").json()["subjects"])
    assert api.a.http.get(f"/v1/users/{user}/graph", params={"center": name}).status_code == 404


def test_another_user_of_the_same_tenant_is_invisible(api: Api, world: World) -> None:
    n_secret = world.secrets[1]
    for path in READS:
        r = api.a.http.get(f"/v1/users/{world.user}/{path}")
        assert n_secret not in r.text, path
    r = api.a.http.post(f"/v1/users/{world.user}/search", json={"query": n_secret, "k": 100})
    assert r.status_code == 200 and n_secret not in r.text


def test_forgetting_a_user_leaves_the_same_id_in_another_tenant(
    api: Api, graph: Graph, world: World
) -> None:
    # A throwaway pair, so the module's own user stays for the other tests.
    user = fresh_user()
    for tenant in (api.a, api.b):
        r = tenant.http.post(
            f"/v1/users/{user}/interactions", params=WAIT, json=conversation("f")[0]
        )
        assert r.status_code == 200
    b_before = census(graph, api.b.owner(user))
    assert api.a.http.delete(f"/v1/users/{user}").json()["nodes"] > 0
    assert census(graph, api.a.owner(user)) == ({}, {})
    assert census(graph, api.b.owner(user)) == b_before


def test_a_key_never_reaches_another_tenant(api: Api, world: World) -> None:
    """The tenant comes from the key only: no header, path or body names a tenant."""
    user = world.user
    tries = [
        ("get", f"/v1/users/{api.b.name}:{user}/export", None),
        ("get", f"/v1/users/{user}/export?tenant={api.b.name}", None),
        ("post", f"/v1/users/{user}/search", {"query": world.secrets[0], "tenant": api.b.name}),
    ]
    for method, path, body in tries:
        r = api.a.http.request(method, path, json=body, headers={"X-Tenant": api.b.name})
        assert r.status_code in (200, 422), (path, r.status_code)
        assert not _leaks(world, r), path


def _not_500(r: httpx.Response) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if r.status_code >= 400:
        assert set(r.json()["error"]) == {"code", "message", "where"}


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_hostile_path_user_ids_are_refused(api: Api, world: World, payload: str) -> None:
    path = f"/v1/users/{quote(payload[:URL_MAX], safe='')}"
    calls: list[tuple[str, str, Any]] = [("GET", f"{path}/{p}", None) for p in READS] + [
        ("POST", f"{path}/search", {"query": "password"}),
        ("DELETE", path, None),
    ]
    for method, url, body in calls:
        r = api.a.http.request(method, url, json=body)
        assert 400 <= r.status_code < 500, (method, url[:80], r.status_code)
        assert not _leaks(world, r)


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_hostile_search_and_view_parameters(api: Api, world: World, payload: str) -> None:
    base = f"/v1/users/{world.user}"
    mine = {i["id"] for i in api.a.http.get(f"{base}/interactions").json()["items"]}
    r = api.a.http.post(f"{base}/search", json={"query": payload, "k": 100})
    _not_500(r)
    assert r.status_code in (200, 422)
    if r.status_code == 200:
        assert all(i["interaction_id"] in mine for i in r.json()["items"])
    assert not _leaks(world, r)
    for body in (
        {"query": "where", "k": payload},
        {"query": "where", "as_of": payload},
        {"query": "where", "explain": payload},
    ):
        r = api.a.http.post(f"{base}/search", json=body)
        _not_500(r)
        assert r.status_code == 422
    short = payload[:URL_MAX]
    for params in ({"center": short}, {"depth": short}, {"limit": short}, {"labels": short}):
        r = api.a.http.get(f"{base}/graph", params=params)
        _not_500(r)
        assert r.status_code in (200, 404, 422), (params, r.status_code)
        assert not _leaks(world, r)
    for params in ({"cursor": short}, {"limit": short}):
        r = api.a.http.get(f"{base}/interactions", params=params)
        _not_500(r)
        assert r.status_code == 422


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_hostile_values_in_every_ingest_field(
    api: Api, graph: Graph, world: World, payload: str
) -> None:
    user = fresh_user()
    base = f"/v1/users/{user}"
    variants = [
        {"id": payload, "messages": [{"id": payload, "speaker": "Ann", "text": "plain words"}]},
        {"messages": [{"speaker": payload, "text": payload, "role": payload[:40]}]},
        {
            "messages": [
                {
                    "speaker": "Ann",
                    "text": f"caption test {uuid.uuid4().hex[:6]}",
                    "attachments": [{"kind": payload[:40], "text": payload, "url": payload}],
                }
            ]
        },
        {"started_at": payload, "messages": [{"speaker": "Ann", "text": "when?"}]},
    ]
    stored = []
    for body in variants:
        r = api.a.http.post(f"{base}/interactions", params=WAIT, json=body)
        _not_500(r)
        assert r.status_code in (200, 413, 422), r.text[:300]
        if r.status_code == 200:
            stored.append(body)
    lines = [json.loads(x) for x in api.a.http.get(f"{base}/export").text.splitlines()]
    assert len(lines) == len(stored)
    said = {m["text"] for line in lines for m in line["messages"]}
    assert said == {m["text"] for b in stored for m in b["messages"]}  # stored unchanged
    speakers = {m["speaker"] for line in lines for m in line["messages"]}
    assert speakers == {m["speaker"] for b in stored for m in b["messages"]}
    for path in READS:
        r = api.a.http.get(f"{base}/{path}")
        assert r.status_code == 200, (path, r.text[:300])
        assert not _leaks(world, r)
    r = api.a.http.post(f"{base}/search", json={"query": payload[:2_000] or "x"})
    _not_500(r)
    r = api.a.http.delete(base)
    assert r.status_code == 200
    assert census(graph, api.a.owner(user)) == ({}, {})
