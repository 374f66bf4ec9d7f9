"""How every ``strata`` command ends on an error: one red line on stderr, exit status 1."""

from __future__ import annotations

from typing import NoReturn

import typer

from strata.graph.errors import StrataError


def fail(e: StrataError) -> NoReturn:
    typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
    raise typer.Exit(1)
