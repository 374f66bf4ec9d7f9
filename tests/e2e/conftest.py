"""Browser tests: Debian's Chromium driven by Playwright (never `playwright install`).

Every page blocks requests that leave the machine and records them, so a test fails if the
dashboard reaches for a CDN. Screenshots go to a temporary directory, or to docs/screenshots
when STRATA_SCREENSHOTS=1 (how the committed ones are refreshed).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright
from tests_support import running

from e2e.memory_fixture import ingest
from strata.graph.db import Graph

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TENANT = "e2e"
KEY = "e2e-dashboard-key-0123456789"
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:")
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Per module: Playwright's sync API holds an event loop on the main thread while open, which
    would break later tests that start their own (asyncio.run)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps`", pytrace=False)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@dataclass
class Watched:
    """A page plus what it tried to reach outside the machine and the errors it logged."""

    page: Page
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    w = Watched(page)

    def gate(route: Route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            w.external.append(url)
            route.abort()

    page.route("**/*", gate)
    page.on("pageerror", lambda e: w.errors.append(str(e)))
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    yield w
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("STRATA_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def api_url(graph: Graph) -> Iterator[str]:
    """The real app on a loopback port, with one API key for the tenant ``e2e``."""
    from strata.api.http.app import create_app

    with running(create_app(api_keys={KEY: TENANT})) as url:
        yield url


@pytest.fixture(scope="module")
def dashboard_user(graph: Graph) -> str:
    """A fresh user (inside the tenant) whose conversation went through the real pipeline."""
    user = f"dash-{uuid.uuid4().hex[:8]}"
    ingest(graph, f"{TENANT}:{user}")
    return user


@pytest.fixture(scope="module")
def api(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c
