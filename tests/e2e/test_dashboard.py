"""The dashboard in real headless Chromium against the real API and Neo4j: what a user sees."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from e2e.conftest import KEY, TENANT, Watched
from e2e.memory_fixture import SESSION_DAYS, SESSIONS
from strata.graph.db import Graph


def open_dashboard(page: Page, api_url: str, user: str, key: str = KEY) -> None:
    page.goto(f"{api_url}/dashboard")
    page.fill("#key", key)
    page.fill("#user", user)
    page.click("#load")


def loaded(page: Page) -> None:
    expect(page.locator("#status")).to_contain_text("turns", timeout=60_000)
    expect(page.locator("#graph svg .node.center")).to_have_count(1, timeout=30_000)


def analytics(api: httpx.Client, user: str) -> dict[str, Any]:
    r = api.get(f"/v1/users/{user}/analytics")
    r.raise_for_status()
    body: dict[str, Any] = r.json()
    return body


def test_dashboard_draws_the_users_memory(
    watched: Watched, api_url: str, api: httpx.Client, dashboard_user: str, shots: Path
) -> None:
    page = watched.page
    open_dashboard(page, api_url, dashboard_user)
    loaded(page)
    data = analytics(api, dashboard_user)

    turns = sum(len(s) for s in SESSIONS)
    expect(page.locator("[data-count=turns] b")).to_have_text(str(turns))
    expect(page.locator("[data-count=interactions] b")).to_have_text(str(len(SESSIONS)))
    # Growth: one bar per day between the first and last session, non-empty on session days.
    bars = page.locator("#growth rect.bar")
    expect(bars).to_have_count(SESSION_DAYS[-1] - SESSION_DAYS[0] + 1)
    filled = [int(v) for v in bars.evaluate_all("els => els.map(e => e.dataset.value)") if v != "0"]
    assert len(filled) == len(set(SESSION_DAYS)) and sum(filled) == turns
    # Top entities in PageRank order, the first one selected and drawn in the graph view.
    top = data["top_entities"][0]["name"]
    expect(page.locator("#entities li .name").first).to_contain_text(top)
    expect(page.locator("#entities li")).to_have_count(len(data["top_entities"]))
    expect(page.locator("#graph .center-name")).to_have_text(top)
    expect(page.locator("#communities .group")).to_have_count(len(data["communities"]))
    # Persona: the move superseded Paris; the two tea statements conflict.
    expect(page.locator("#persona .fact.superseded", has_text="paris")).to_have_count(1)
    expect(page.locator("#persona .fact.conflict")).to_have_count(2)
    expect(page.locator("#persona .conflict-card")).to_have_count(1)
    expect(page.locator("#facts .totals .bad b")).to_have_text("1")
    expect(page.locator("#scenes .scene-list li")).to_have_count(len(data["scenes"]["top"]))
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    assert watched.external == [] and watched.errors == []


def test_choosing_an_entity_recentres_the_graph(
    watched: Watched, api_url: str, api: httpx.Client, dashboard_user: str, shots: Path
) -> None:
    page = watched.page
    open_dashboard(page, api_url, dashboard_user)
    loaded(page)
    second = page.locator("#entities li").nth(1)
    name = second.get_attribute("data-name")
    assert name
    second.click()
    expect(page.locator("#graph .center-name")).to_have_text(name)
    expect(page.locator("#graph svg .node.center")).to_have_attribute("data-name", name)
    around = api.get(
        f"/v1/users/{dashboard_user}/analytics/neighbourhood",
        params={"center": name, "limit": 20},
    ).json()
    expect(page.locator("#graph svg .node:not(.center)")).to_have_count(len(around["nodes"]))
    # Follow the strongest neighbour: it becomes the center and the trail remembers the path.
    neighbour = around["nodes"][0]
    page.locator(f"#graph svg .node[data-id='{neighbour['id']}'] circle").click()
    expect(page.locator("#graph .center-name")).to_have_text(neighbour["name"])
    expect(page.locator("#graph .trail")).to_contain_text(f"{name} › {neighbour['name']}")
    assert f"entity={neighbour['name']}" in page.url
    page.locator("#graph").screenshot(path=str(shots / "dashboard-graph.png"))
    # The same entity in the memory subgraph (the API's /graph route): mixed granularities.
    page.click("#graph .toggle [data-mode=subgraph]")
    expect(page.locator("#graph svg .node.label-Turn").first).to_be_visible()
    expect(page.locator("#graph svg .node.label-Entity.center")).to_have_count(1)
    assert watched.external == [] and watched.errors == []


def test_choosing_a_user_and_a_key(
    watched: Watched, api_url: str, graph: Graph, dashboard_user: str
) -> None:
    """The key is kept in localStorage, users are remembered, a bad key or user is explained."""
    from strata.api.runtime import embedder
    from strata.ingest.synthetic import SynthSpec, write_user

    other = f"dash-{uuid.uuid4().hex[:8]}"
    truth = write_user(graph, SynthSpec(owner=f"{TENANT}:{other}", turns=200, dim=embedder().dim))
    page = watched.page
    open_dashboard(page, api_url, dashboard_user)
    loaded(page)
    page.fill("#user", other)
    page.click("#load")
    expect(page.locator("[data-count=turns] b")).to_have_text(str(truth.turns), timeout=60_000)
    assert page.evaluate("localStorage.getItem('strata.apiKey')") == KEY
    options = page.locator("#recent-users option").evaluate_all("els => els.map(e => e.value)")
    assert options[:2] == [other, dashboard_user]
    # A reload restores key and user from storage and the address.
    page.reload()
    expect(page.locator("#key")).to_have_value(KEY)
    expect(page.locator("#user")).to_have_value(other)
    expect(page.locator("[data-count=turns] b")).to_have_text(str(truth.turns), timeout=60_000)
    page.fill("#user", "nobody-at-all")
    page.click("#load")
    expect(page.locator("#status.error")).to_contain_text('No memory stored for "nobody-at-all"')
    page.fill("#key", "wrong-key-0123456789abcdef")
    page.fill("#user", other)
    page.click("#load")
    expect(page.locator("#status.error")).to_contain_text("unknown API key")
    expect(page.locator("#board")).to_be_hidden()
    assert watched.external == []


def _run(rid: str, calls: list[str], ok: bool) -> dict[str, Any]:
    task = "refund the blue kettle order"
    messages: list[dict[str, Any]] = [{"role": "user", "content": task}]
    for i, name in enumerate(calls):
        call = {"id": f"c{i}", "function": {"name": name, "arguments": '{"id": 3}'}}
        messages.append({"role": "assistant", "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": f"c{i}", "content": '{"ok": true}'})
    return {"id": rid, "task": task, "outcome": {"success": ok}, "messages": messages}


def test_an_agents_runs_and_lessons_with_their_evidence(
    watched: Watched, api_url: str, api: httpx.Client, shots: Path
) -> None:
    """An agent with runs and no conversation: the dashboard shows its runs card alone, the
    successes, and each lesson with its status and the runs behind it."""
    agent = f"agent-{uuid.uuid4().hex[:8]}"
    runs = [_run("won-1", ["refund_order"], True), _run("won-2", ["refund_order"], True)]
    runs.append(_run("lost-1", ["get_order"], False))
    r = api.post(f"/v1/users/{agent}/runs", json={"runs": runs})
    assert r.status_code == 200, r.text
    page = watched.page
    open_dashboard(page, api_url, agent)
    expect(page.locator("#status")).to_contain_text("3 agent runs", timeout=60_000)
    card = page.locator("#agent")
    expect(card).to_be_visible()
    expect(page.locator("#persona")).to_be_hidden()
    expect(card.locator("[data-count=runs] b")).to_have_text("3")
    expect(card.locator(".totals .good b")).to_have_text("2")
    lesson = card.locator(".lesson.trusted", has_text="call refund_order")
    expect(lesson).to_have_count(1)
    expect(lesson).to_contain_text("backed by won-1, won-2")
    card.screenshot(path=str(shots / "dashboard-agent.png"))
    assert watched.external == [] and watched.errors == []
