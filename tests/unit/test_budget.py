"""The search budget's tenant shares: one tenant's burst waits on its own share while another
tenant's search runs."""

from __future__ import annotations

import threading

import anyio
import pytest

from strata.api.http.enrichment import Pacer, Searches
from strata.api.http.limits import Budget
from strata.graph import db
from strata.graph.errors import TimeBudgetExceeded


def test_a_tenants_burst_waits_on_its_share_while_another_tenant_runs() -> None:
    budget = Budget(seconds=30, concurrency=2, per_tenant=1)
    release = threading.Event()
    started: list[str] = []

    def hold(name: str) -> str:
        started.append(name)
        release.wait(timeout=30)
        return name

    async def main() -> list[str]:
        done: list[str] = []

        async def search(name: str, tenant: str) -> None:
            done.append(await budget.run(lambda: hold(name), tenant=tenant))

        async with anyio.create_task_group() as tg:
            tg.start_soon(search, "a1", "a")
            tg.start_soon(search, "a2", "a")
            tg.start_soon(search, "b1", "b")
            with anyio.fail_after(10):
                while len(started) < 2:
                    await anyio.sleep(0.01)
            assert sorted(started) == ["a1", "b1"]  # a2 waits for tenant a's one slot
            release.set()
        return done

    assert sorted(anyio.run(main)) == ["a1", "a2", "b1"]


def test_reads_after_the_budget_ran_out_name_the_whole_budget() -> None:
    """The 503 names the budget the operator set, not the (negative) time left of it when a
    search that waited for a slot gets to its first read."""
    with (
        db.read_deadline(-0.02, budget=10.0),
        pytest.raises(TimeBudgetExceeded, match="within its 10 s budget"),
    ):
        db._timed(lambda tx: None)


def test_the_server_runs_as_many_searches_at_once_as_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from strata.api.http.app import create_app
    from strata.graph.settings import get_settings

    monkeypatch.setenv("STRATA_SEARCH_CONCURRENCY", "6")
    get_settings.cache_clear()
    try:
        budget = create_app(api_keys={}).state.search_budget
    finally:
        get_settings.cache_clear()
    assert (budget.limiter.total_tokens, budget.per_tenant) == (6, 3)


def test_searches_waiting_for_a_slot_count_as_in_flight_for_enrichment() -> None:
    """The enrichment worker sees every search the budget holds, running or queued, and none
    once they are answered."""
    searches = Searches()
    budget = Budget(seconds=30, concurrency=1, searches=searches)
    release = threading.Event()
    started: list[int] = []
    seen: dict[str, int] = {}

    def hold() -> None:
        started.append(1)
        release.wait(timeout=30)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(budget.run, hold)
            tg.start_soon(budget.run, hold)
            with anyio.fail_after(10):  # both counted, one of them running
                while not started or searches.count.value < 2:
                    await anyio.sleep(0.01)
            seen.update(in_flight=searches.count.value, running=len(started))
            release.set()

    anyio.run(main)
    assert seen == {"in_flight": 2, "running": 1}  # the other waits for the one slot
    assert searches.count.value == 0


def _waits(pacer: Pacer) -> threading.Thread:
    thread = threading.Thread(target=pacer.wait, args=(lambda: False,), daemon=True)
    thread.start()
    return thread


def test_enrichment_waits_for_searches_to_end_and_never_while_none_runs() -> None:
    searches = Searches()
    pacer = Pacer(searches.count, share=0.25)
    pacer.ran(60.0)  # a long round: the next may wait up to three minutes for searches

    idle = _waits(pacer)
    idle.join(timeout=5)
    assert not idle.is_alive()  # no search in flight: it goes at once
    with searches.running():
        waiting = _waits(pacer)
        waiting.join(timeout=0.5)
        assert waiting.is_alive()  # a search is in flight: enrichment holds back
    waiting.join(timeout=5)
    assert not waiting.is_alive()  # the search ended: enrichment goes on


def test_under_searches_that_never_stop_enrichment_still_gets_its_share() -> None:
    searches = Searches()
    pacer = Pacer(searches.count, share=0.5)
    with searches.running():
        pacer.ran(0.2)  # a 0.2 s round at a half share: the next waits about 0.2 s, not forever
        waiting = _waits(pacer)
        waiting.join(timeout=10)
        assert not waiting.is_alive()


def test_the_servers_committer_lingers_as_configured_while_searches_are_in_flight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``strata serve`` hands its group commit STRATA_COMMIT_LINGER_MS and the count of the
    searches its budget holds (the committer only lingers while that count is above 0)."""
    from strata.api.http.app import create_app
    from strata.graph.settings import get_settings

    monkeypatch.setenv("STRATA_COMMIT_LINGER_MS", "250")
    get_settings.cache_clear()
    try:
        state = create_app(api_keys={}).state
    finally:
        get_settings.cache_clear()
    assert state.commits.linger == 0.25
    assert state.commits.busy() == 0
    with state.search_budget.searches.running():
        assert state.commits.busy() == 1
    assert state.commits.busy() == 0
