"""The ``strata`` command line: local Neo4j, migrations, ingest, search, serve, bench."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pydantic
import typer

from strata.api.agent_cli import outcome as agent_outcome
from strata.api.agent_cli import recall as agent_recall
from strata.api.cli_errors import fail as _fail
from strata.api.demo_cli import demo
from strata.api.neo4j_cli import neo4j_app
from strata.bench.cli import bench_app
from strata.graph.errors import NotFound, StrataError, ValidationError
from strata.graph.owners import owner_id
from strata.graph.settings import get_settings
from strata.ingest.models import InteractionIn
from strata.query.plan import Preset

DEFAULT_TENANT = "default"


def scope(tenant: str, interaction: InteractionIn) -> InteractionIn:
    """Store a user's memory under ``tenant:user`` (the owner key every statement filters on)."""
    return interaction.model_copy(update={"user_id": owner_id(tenant, interaction.user_id)})


app = typer.Typer(
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, help=__doc__
)
app.add_typer(neo4j_app, name="neo4j")


@app.command()
def migrate() -> None:
    """Apply pending schema migrations (idempotent)."""
    from strata.api.runtime import embedder
    from strata.graph.db import get_graph
    from strata.graph.migrations import migrate as run

    try:
        applied = run(get_graph(), embedder().name, embedder().dim)
    except StrataError as e:
        _fail(e)
    typer.echo(json.dumps({"applied": applied}))


@app.command()
def ingest(
    path: Path = typer.Argument(..., help="A native JSON/JSONL or LoCoMo JSON file."),
    fmt: str = typer.Option("native", "--format", help="native | locomo | runs | tau-bench"),
    user: str | None = typer.Option(None, "--user", help="Store everything under this user id."),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant", help="Tenant the users belong to."),
) -> None:
    """Validate a whole file, then ingest it (nothing is written if any item is bad)."""
    from tqdm import tqdm

    from strata.api.runtime import pipeline, ready
    from strata.ingest.agent_sources import RUN_FORMATS
    from strata.ingest.sources import read_file

    if fmt in RUN_FORMATS:
        _ingest_runs(path, fmt, user, tenant)
        return
    try:
        interactions = read_file(path, fmt, user=user)
        owned = [scope(tenant, it) for it in interactions]
        graph = ready()
        total = sum(len(it.messages) for it in owned)
        with tqdm(total=total, unit="turn", disable=None, file=sys.stderr) as bar:
            summary = pipeline(graph).ingest(owned, progress=bar.update, via="file")
    except StrataError as e:
        _fail(e)
    typer.echo(json.dumps(summary.as_dict()))


def _ingest_runs(path: Path, fmt: str, user: str | None, tenant: str) -> None:
    """Agent runs: validate the whole file, then record tasks, runs and steps."""
    from strata.api.runtime import ready
    from strata.ingest.agent_memory import record_runs
    from strata.ingest.agent_sources import read_runs

    try:
        runs = read_runs(path, fmt, user=user)
        owned = [r.model_copy(update={"user_id": owner_id(tenant, r.user_id)}) for r in runs]
        summary = record_runs(ready(), owned)
    except StrataError as e:
        _fail(e)
    typer.echo(json.dumps(summary.as_dict()))


@app.command()
def search(
    question: str | None = typer.Argument(None, help="The memory question."),
    user: str | None = typer.Option(None, "--user", help="Whose memory to search."),
    k: int = typer.Option(10, "--k", min=1, max=100),
    as_of: datetime | None = typer.Option(None, "--as-of", help="Answer with what was valid then."),
    batch: Path | None = typer.Option(
        None, "--batch", help='JSONL of {"id","user_id","query","k"?,"as_of"?}.'
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    explain: bool = typer.Option(
        False, "--explain", help="Include the plan with per-stage timings."
    ),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant"),
    preset: str = typer.Option("default", "--preset", help="Planner preset (see query/plan.py)."),
) -> None:
    """Search a user's memory; one question, or a batch file (one JSON line out per query)."""
    from strata.api.runtime import planner, ready
    from strata.query.plan import PRESETS

    if preset not in PRESETS:
        _fail(StrataError(f"unknown preset {preset!r}: {', '.join(PRESETS)}"))
    try:
        ready()
        if batch is not None:
            _search_batch(batch, tenant, PRESETS[preset], explain)
            return
        if question is None or user is None:
            raise StrataError("give a question and --user, or --batch FILE")
        answer = planner().search(
            owner_id(tenant, user), question, k=k, as_of=as_of, preset=PRESETS[preset]
        )
    except StrataError as e:
        _fail(e)
    out = answer.to_json(explain=explain)
    if as_json:
        typer.echo(json.dumps(out, default=str))
        return
    for n, item in enumerate(out["items"], 1):
        typer.echo(
            f"{n:2}. [{item['score']:.4f}] {item['source_id'] or item['id']}  {item['text'][:120]}"
        )
    for c in out["contradictions"]:
        typer.echo(
            f"!! {c['kind']} (severity {c['severity']}): "
            + " ≠ ".join(s["text"] for s in c["sides"])
        )
    if explain:
        typer.echo(json.dumps(out["plan"], indent=2, default=str))


def _search_batch(path: Path, tenant: str, preset: Preset, explain: bool) -> None:
    """Every line is checked before any is searched, so a bad line stops the batch up front."""
    from strata.api.runtime import planner

    queries = _batch_queries(path, tenant)
    run = planner()
    for owner, q in queries:
        answer = run.search(owner, q.query, k=q.k, as_of=q.as_of, preset=preset)
        typer.echo(json.dumps({"id": q.id, **answer.to_json(explain=explain)}, default=str))


def _batch_queries(path: Path, tenant: str) -> list[tuple[str, BatchQuery]]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ValidationError(f"cannot read: {e.strerror}", where=str(path)) from e
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = BatchQuery.model_validate_json(line)
        except pydantic.ValidationError as e:
            first = e.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise ValidationError(
                f"{field}: {first['msg']}".strip(": "), where=f"{path}: line {n}"
            ) from None
        try:
            out.append((owner_id(tenant, q.user_id), q))
        except StrataError as e:
            raise ValidationError(str(e), where=f"{path}: line {n}") from None
    return out


class BatchQuery(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")
    id: str | int
    user_id: str = pydantic.Field(min_length=1, max_length=200)
    query: str = pydantic.Field(min_length=1, max_length=4000)
    k: int = pydantic.Field(default=10, ge=1, le=100)
    as_of: datetime | None = None


# ---- serve and bench load ----------------------------------------------------------------------

app.add_typer(bench_app, name="bench")
app.command("recall")(agent_recall)
app.command("outcome")(agent_outcome)
app.command()(demo)


@app.command()
def forget(
    user: str = typer.Option(..., "--user", help="Whose memory."),
    interaction: str | None = typer.Option(
        None, "--interaction", help="Delete only this interaction (Strata's id or yours)."
    ),
    message: str | None = typer.Option(
        None, "--message", help="Delete only this message of --interaction (id, or position)."
    ),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant"),
) -> None:
    """Forget a user, or delete one of their interactions or messages (and what only it
    evidenced); derived memory ends as if it had never been sent."""
    from pydantic import BaseModel

    from strata.api.library import Memory

    try:
        if message is not None and interaction is None:
            raise ValidationError("--message needs --interaction", where="forget")
        with Memory(tenant=tenant) as memory:
            done: BaseModel
            if interaction is None:
                done = memory.forget(user)
            elif message is None:
                done = memory.delete_interaction(user, interaction)
            else:
                done = memory.delete_message(user, interaction, message)
    except StrataError as e:
        _fail(e)
    typer.echo(done.model_dump_json())


@app.command()
def rebuild(
    user: str | None = typer.Option(None, "--user", help="One user; without it, every user."),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant"),
) -> None:
    """Recompute derived memory (links, similar questions, persona traits, scenes) from the
    stored conversations alone. Idempotent; what to run after a crash or a model change."""
    from strata.api.runtime import maintainer, ready
    from strata.graph.owners import check_tenant

    try:
        graph = ready()
        if user is None:
            rows = graph.read("memory/tenant_users", tenant_prefix=f"{check_tenant(tenant)}:")
            owners = [r["user_id"] for r in rows]
        else:
            owners = [owner_id(tenant, user)]
        units = sum(maintainer(graph).rebuild(owner) for owner in owners)
        if user is not None and not units:
            raise NotFound(f"user {user!r} has no memory in tenant {tenant!r}")
    except StrataError as e:
        _fail(e)
    typer.echo(json.dumps({"users": len(owners), "units": units}))


@app.command()
def status(tenant: str | None = typer.Option(None, "--tenant", help="Only this tenant.")) -> None:
    """The enrichment backlog: users whose derived memory is still catching up with what they
    sent (a running `strata serve` works it off; `strata rebuild` does it at once)."""
    from strata.api.http.enrichment import backlog_summary
    from strata.api.runtime import ready

    try:
        summary = backlog_summary(ready(), tenant)
    except StrataError as e:
        _fail(e)
    typer.echo(json.dumps({"enrichment": summary}))


@app.command()
def synth(
    user: str = typer.Option(..., "--user", help="Who the synthetic memory belongs to."),
    turns: int = typer.Option(10_000, "--turns", min=1),
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant"),
) -> None:
    """Write a synthetic user with known structure (no extraction), to try the dashboard,
    analytics and the Browser at scale. Stable ids: running it again changes nothing."""
    from strata.api.runtime import embedder, ready
    from strata.ingest.synthetic import SynthSpec, write_user

    try:
        graph = ready()
        spec = SynthSpec(owner=owner_id(tenant, user), turns=turns, dim=embedder().dim)
        truth = write_user(graph, spec, progress=True)
    except StrataError as e:
        _fail(e)
    typer.echo(json.dumps({"turns": truth.turns, "entities": truth.entities, "facts": truth.facts}))


@app.command()
def mcp(
    tenant: str = typer.Option(DEFAULT_TENANT, "--tenant", help="Tenant of the users."),
) -> None:
    """Serve the MCP tools over stdio (local mode; `strata serve` has them at /mcp)."""
    from strata.api.mcp import run_stdio
    from strata.graph.owners import check_tenant

    try:
        check_tenant(tenant)
    except StrataError as e:
        _fail(e)
    run_stdio(tenant)


@app.command()
def serve(
    host: str | None = typer.Option(None, "--host", help="Default: STRATA_API_HOST (127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Default: STRATA_API_PORT (8000)."),
    log_level: str = typer.Option("info", "--log-level"),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Processes; writers of one user are serialised across them."
    ),
) -> None:
    """Run the HTTP API (uvicorn). Without API keys: loopback only."""
    import logging

    import uvicorn

    from strata.api.http.deps import is_loopback_host, load_api_keys

    settings = get_settings()
    host = host or settings.api_host
    try:
        keys = load_api_keys(settings)
    except StrataError as e:
        _fail(e)
    if not keys and not is_loopback_host(host):
        typer.secho(
            f"error: refusing to listen on {host} without API keys: set STRATA_API_KEYS "
            "('key:tenant,...') or STRATA_API_KEYS_FILE, or bind 127.0.0.1",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    uvicorn.run(
        "strata.api.http.app:create_app",
        factory=True,
        host=host,
        port=port or settings.api_port,
        workers=workers,
        log_level=log_level,
    )


if __name__ == "__main__":
    app()
