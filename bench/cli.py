"""``strata bench ...``: the benchmarks' commands (they report; they never assert).

Each command imports its benchmark when it runs; the BM25 baseline needs the ``bench`` extra.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from strata.graph.db import Graph
from strata.graph.errors import StrataError

DEFAULT_TENANT = "default"
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks (they report; they never assert).")

# options several benchmarks share
LocomoData = Annotated[
    Path, typer.Option("--data", help="A LoCoMo JSON file (e.g. locomo10_dev.json).")
]
JsonOut = Annotated[Path | None, typer.Option("--json", help="Also write the full report here.")]
Presets = Annotated[str, typer.Option("--presets", help="Planner presets, comma-separated.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]

T = TypeVar("T")


def _fail(e: Exception) -> NoReturn:
    typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


def _needs_extra(e: ImportError) -> NoReturn:
    _fail(StrataError(f"{e.name} is missing: pip install 'strata-memory[bench]'"))


def _log(message: str) -> None:
    typer.echo(message, err=True)


def _or_fail(work: Callable[[], T]) -> T:
    """Run ``work``; a Strata error becomes a red one-line message and exit status 1."""
    try:
        return work()
    except StrataError as e:
        _fail(e)


def _publish(
    build: Callable[[Graph], dict[str, Any]],
    markdown: Callable[[dict[str, Any]], str],
    out: Path | None,
) -> None:
    """Run a retrieval benchmark on the ready graph; print its table, write its JSON."""
    from strata.api.runtime import ready

    report = _or_fail(lambda: build(ready()))
    if out is not None:
        out.write_text(json.dumps(report, indent=2, default=str))
    typer.echo(markdown(report))


def _publish_chats(
    bench: Callable[..., dict[str, Any]],
    data: Path,
    presets: str,
    markdown: Callable[[dict[str, Any]], str],
    out: Path | None,
) -> None:
    """A chat benchmark (``bench(data, pipeline, planner, presets, log=...)``) on the graph."""
    from strata.api.runtime import pipeline, planner

    chosen = presets.split(",")
    _publish(lambda g: bench(data, pipeline(g), planner(), chosen, log=_log), markdown, out)


@bench_app.command("load")
def bench_load(
    url: str | None = typer.Option(None, "--url", help="Target this server (else start one)."),
    key: list[str] = typer.Option([], "--key", help="API key(s) for --url (one per client)."),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant", help="Tenant of --key."),
    seconds: float = typer.Option(60.0, "--seconds", min=1.0),
    clients: int = typer.Option(32, "--clients", min=1, max=512),
    users: int = typer.Option(8, "--users", min=1),
    ingest_share: float = typer.Option(0.3, "--ingest-share", min=0.0, max=1.0),
    history: int | None = typer.Option(
        None,
        "--history",
        min=1,
        help="Interactions each user holds before the timed load.",
        show_default="50",
    ),
    baseline: bool = typer.Option(
        True,
        "--baseline/--no-baseline",
        help="With ingest: a search-only phase first, and the ratio of the two search p95s.",
    ),
    keep: bool = typer.Option(False, "--keep", help="Keep the benchmark users' memory."),
    as_json: AsJson = False,
) -> None:
    """Concurrent ingest + search against the HTTP API; latency, throughput, lost writes."""
    from strata.bench.load import LoadConfig, run

    config = LoadConfig(
        **({} if history is None else {"history": history}),
        url=url,
        keys=tuple(key),
        tenant=tenant,
        seconds=seconds,
        clients=clients,
        users=users,
        ingest_share=ingest_share,
        baseline=baseline,
        keep=keep,
    )
    report = _or_fail(lambda: run(config, progress=_log))
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.as_markdown())
    if not report.ok:
        raise typer.Exit(1)


@bench_app.command("locomo")
def bench_locomo(
    data: LocomoData,
    out: JsonOut = None,
    presets: str = typer.Option(
        "default,fulltext_only,vector_only,no_expansion,no_associations,with_pagerank",
        "--presets",
        help="Planner presets to run (the ablations), comma-separated.",
    ),
    tenants: int = typer.Option(
        1, "--tenants", min=1, help="Also store the same data under this many - 1 other tenants."
    ),
) -> None:
    """Ingest LoCoMo, then turn-level recall@5/@10 per category beside BM25, and latency."""
    from strata.api.runtime import pipeline, planner

    try:
        from strata.bench.locomo import locomo, markdown
    except ImportError as e:
        _needs_extra(e)
    chosen = presets.split(",")
    _publish(
        lambda g: locomo(data, g, pipeline(g), planner(), chosen, log=_log, tenants=tenants),
        markdown,
        out,
    )


@bench_app.command("realmem")
def bench_realmem(
    data: Path = typer.Option(..., "--data", help="The RealMem folder (*_dialogues_*.json)."),
    out: JsonOut = None,
    presets: Presets = "default",
) -> None:
    """User–assistant chats: session recall@5/@10 on the tune and held-out halves, BM25 beside."""
    try:
        from strata.bench.realmem import markdown, realmem
    except ImportError as e:
        _needs_extra(e)
    _publish_chats(realmem, data, presets, markdown, out)


@bench_app.command("chats")
def bench_chats(
    data: Path | None = typer.Option(
        None, "--data", help="Chats JSON (default: the hand-written bench/data/chats_dev.json)."
    ),
    out: JsonOut = None,
    presets: Presets = "default",
) -> None:
    """User-centred user–assistant chats: turn recall@5/@10 per kind and half, BM25 beside."""
    try:
        from strata.bench.chats import DEFAULT, chats, markdown
    except ImportError as e:
        _needs_extra(e)
    _publish_chats(chats, data or DEFAULT, presets, markdown, out)


@bench_app.command("sheaf")
def bench_sheaf(
    seed: int = typer.Option(0, "--seed"),
    n: int = typer.Option(200, "--n"),
    locomo: Path | None = typer.Option(
        None, "--locomo", help="Plant age and event contradictions in these LoCoMo conversations."
    ),
    rounds: int = typer.Option(1, "--rounds", min=1, help="Plantings per speaker and kind."),
) -> None:
    """Synthetic contradictions (or, with --locomo, ones planted in real conversations): the
    sheaf check vs a pairwise baseline."""
    if locomo is not None:
        from strata.bench.sheaf_planted import main as planted_main

        planted_main(locomo, seed, rounds)
        return
    from strata.bench.sheaf import main as sheaf_main

    sheaf_main([str(seed), str(n)])


@bench_app.command("dated")
def bench_dated(data: LocomoData) -> None:
    """LoCoMo temporal questions: the dated answer vs the top turn's session date (JSON out)."""
    from strata.api.runtime import pipeline, planner, ready
    from strata.bench.dated import run
    from strata.bench.locomo import TENANT
    from strata.ingest.sources import read_file

    try:
        graph = ready()
        items = read_file(data, "locomo")
        pipeline(graph).ingest(
            [it.model_copy(update={"user_id": f"{TENANT}:{it.user_id}"}) for it in items]
        )
        typer.echo(json.dumps(run(data, planner()), indent=2))
    except StrataError as e:
        _fail(e)


@bench_app.command("poison")
def bench_poison(
    data: LocomoData,
    tau: Path = typer.Option(
        Path("../shared/data/tau-bench/airline_dev.json"), "--tau", help="tau-bench runs."
    ),
    out: JsonOut = None,
) -> None:
    """Planted injections in LoCoMo and tau-bench: attack success with and without the
    defences, and false flags on the clean data."""
    from strata.api.runtime import pipeline, planner

    try:
        from strata.bench.poison import markdown, poison
    except ImportError as e:
        _needs_extra(e)
    _publish(lambda g: poison(data, tau, g, pipeline(g), planner()), markdown, out)


@bench_app.command("agent")
def bench_agent(
    data: Path = typer.Option(
        Path("../shared/data/tau-bench/airline_dev.json"), "--data", help="tau-bench trajectories."
    ),
    tenant: str = typer.Option("bench", "--tenant", help="Tenant of the benchmark agents."),
) -> None:
    """tau-bench airline: recall for a recurring and for a new task, beside BM25 (JSON out)."""
    try:
        from strata.api.runtime import embedder, ready
        from strata.bench.agent import run
    except ImportError as e:
        _needs_extra(e)
    try:
        typer.echo(json.dumps(run(ready(), data, tenant, embedder()), indent=2))
    except StrataError as e:
        _fail(e)


@bench_app.command("scale")
def bench_scale(
    users: int = typer.Option(10_000, "--users", min=1, help="Small users."),
    turns: int = typer.Option(80, "--turns", min=20, help="Turns per small user."),
    big_turns: int = typer.Option(200_000, "--big-turns", min=20, help="Turns of the big user."),
    searches: int = typer.Option(200, "--searches", min=1, help="Timed searches per kind."),
    fresh: bool = typer.Option(False, "--fresh", help="Write every user again (same rows)."),
    writers: int = typer.Option(
        3, "--writers", min=1, max=16, help="Threads writing small users' batches."
    ),
    ingest: bool = typer.Option(True, "--ingest/--no-ingest", help="Time one session ingest."),
    big_first: bool = typer.Option(
        True, "--big-first/--together", help="Write the big user before the small ones."
    ),
    build_minutes: float = typer.Option(
        0.0, "--build-minutes", min=0, help="Stop starting small users after this (0: all)."
    ),
    as_json: AsJson = False,
) -> None:
    """A million turns in one database: build (project writer, no extraction), then warm search
    latency for small users and a big one, one session ingest, store size and heap."""
    from strata.bench.scale import ScaleConfig, markdown, run

    config = ScaleConfig(
        users=users,
        turns=turns,
        big_turns=big_turns,
        searches=searches,
        fresh=fresh,
        writers=writers,
        ingest=ingest,
        big_first=big_first,
        build_seconds=build_minutes * 60,
    )
    report = _or_fail(lambda: run(config, log=_log))
    typer.echo(json.dumps(report, indent=2, default=str) if as_json else markdown(report))
