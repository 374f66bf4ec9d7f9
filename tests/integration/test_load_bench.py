"""`strata bench load` against a real server: every acknowledged turn is stored, the users hold
the history they were given before the timed load starts, and a load with ingest is compared
with a search-only phase of the same run."""

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


def test_mixed_load_stores_every_acknowledged_turn_and_is_compared_with_search_only(
    graph: Graph,
) -> None:
    report = run(
        LoadConfig(seconds=3, clients=4, users=2, ingest_share=0.5, history=1),
        progress=lambda _: None,
    )
    assert report.ok, report.as_dict()
    assert report.ops["ingest"].latencies_ms and report.ops["search"].latencies_ms
    assert report.turns_stored == report.turns_acked > 2 * MESSAGES
    assert report.enrichment_caught_up_s is not None
    out = report.as_dict()
    assert out["baseline"]["search"]["requests"] > 0
    ratio = out["ops"]["search"]["p95_ms"] / out["baseline"]["search"]["p95_ms"]
    assert abs(out["search_p95_ratio"] - ratio) <= 0.01  # the p95s shown are rounded


def test_without_a_baseline_the_load_runs_alone(graph: Graph) -> None:
    report = run(
        LoadConfig(seconds=2, clients=2, users=1, ingest_share=0.5, history=1, baseline=False),
        progress=lambda _: None,
    )
    assert report.ok
    assert report.as_dict()["baseline"] is None and report.search_p95_ratio is None
