"""`strata bench load` against a real server: every acknowledged turn is stored, and the users
hold the history they were given before the timed load starts."""

from __future__ import annotations

from strata.bench.load import MESSAGES, LoadConfig, run
from strata.graph.db import Graph


def test_search_only_load_runs_over_users_that_hold_their_history(graph: Graph) -> None:
    report = run(
        LoadConfig(seconds=2, clients=2, users=2, ingest_share=0.0, history=3),
        progress=lambda _: None,
    )
    assert report.ok
    assert report.ops["search"].latencies_ms and not report.ops["ingest"].latencies_ms
    assert report.turns_stored == report.turns_acked == 2 * 3 * MESSAGES


def test_mixed_load_stores_every_acknowledged_turn(graph: Graph) -> None:
    report = run(
        LoadConfig(seconds=3, clients=4, users=2, ingest_share=0.5), progress=lambda _: None
    )
    assert report.ok, report.as_dict()
    assert report.ops["ingest"].latencies_ms and report.ops["search"].latencies_ms
    assert report.turns_stored == report.turns_acked > 2 * MESSAGES
    assert report.enrichment_caught_up_s is not None
