"""``strata neo4j ...``: install, start, stop and inspect the project-local Neo4j server."""

from __future__ import annotations

import sys

import typer

from strata.api.cli_errors import fail as _fail
from strata.graph.errors import StrataError
from strata.graph.local import archive
from strata.graph.local.server import LocalNeo4j
from strata.graph.settings import get_settings

neo4j_app = typer.Typer(no_args_is_help=True, help="Manage the project-local Neo4j server.")


def _local() -> LocalNeo4j:
    try:
        return LocalNeo4j(get_settings())
    except StrataError as e:
        _fail(e)
        raise


@neo4j_app.command("install")
def neo4j_install() -> None:
    """Fetch Neo4j, GDS, APOC and the Browser from Maven Central (cached), and record the class
    archive that makes starts faster (once per Java)."""
    try:
        local = _local()
        path = local.install()
        recorded = archive.path(local)
    except StrataError as e:
        _fail(e)
    typer.echo(f"installed: {path}")
    typer.echo(f"class archive: {recorded if recorded.is_file() else 'none (starts are slower)'}")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local server and wait until Bolt answers (no-op when running)."""
    try:
        status = _local().start()
    except StrataError as e:
        _fail(e)
    typer.echo(
        f"Neo4j {status.neo4j_version} running: {status.bolt_uri}  browser: {status.browser_url}"
    )


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local server; no java process is left behind."""
    _local().stop()
    typer.echo("stopped")


@neo4j_app.command("status")
def neo4j_status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show whether the local server runs, its addresses and component versions."""
    status = _local().status()
    if as_json:
        typer.echo(status.to_json())
    else:
        state = "running" if status.running else "stopped"
        typer.echo(
            f"{state}  bolt={status.bolt_uri}  browser={status.browser_url}  home={status.home}"
        )
    if not status.running:
        sys.exit(3)
