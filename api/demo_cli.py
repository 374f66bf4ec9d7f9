"""``strata demo``: the main job in one command (local Neo4j, the API, a demo ingest, a query)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from strata.api.cli_errors import fail as _fail
from strata.graph.errors import StrataError

if TYPE_CHECKING:
    import httpx


def demo(
    port: int = typer.Option(8000, "--port"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Keep the API running."),
) -> None:
    """The main job: local Neo4j, the API, a demo ingest and a query through the API."""
    from importlib import resources

    import httpx

    from strata.api.runtime import ready, start_api

    try:
        ready()
        server = start_api(port)
    except StrataError as e:
        _fail(e)
    base = f"http://127.0.0.1:{port}"
    try:
        # The first ingest of a fresh server derives everything before it answers (wait):
        # on a busy two-core machine that can take a minute while the JVM warms up.
        with httpx.Client(base_url=base, timeout=httpx.Timeout(30, read=DEMO_READ_S)) as http:
            text = resources.files("strata.api").joinpath("demo", "conversation.jsonl").read_text()
            interactions = [json.loads(line) for line in text.splitlines() if line.strip()]
            done = _answer(
                http.post(  # wait: answer once facts and links are derived too
                    "/v1/users/alice/interactions",
                    params={"wait": "true"},
                    json={"interactions": interactions},
                )
            )
            typer.echo(f"ingested: {done}")
            for question in ("Where does Alice live?", "Does Alice like coffee?"):
                answer = _answer(
                    http.post("/v1/users/alice/search", json={"query": question, "k": 3})
                )
                typer.echo(f"\nQ: {question}")
                for item in answer.get("items", []):
                    old = item.get("superseded_at")
                    note = f"  (superseded {old[:10]})" if old else ""
                    typer.echo(f"   {item['score']:.3f}  {item['text']}{note}")
                for c in answer.get("contradictions", []):
                    typer.echo("   contradiction: " + " vs ".join(s["text"] for s in c["sides"]))
                for u in answer.get("updates", []):
                    typer.echo(f"   updated {u['since']}: {u['old']['text']} -> {u['new']['text']}")
        if serve_after:
            typer.echo(f"\nAPI: {base}/docs   dashboard: {base}/dashboard   (Ctrl-C to stop)")
            server.wait()
        else:
            typer.echo("\nAPI stopped (--no-serve); `strata serve` runs it.")
    except httpx.HTTPError as e:
        _fail(StrataError(f"the demo's request to the API failed: {e!r}"))
    except StrataError as e:
        _fail(e)
    finally:
        server.terminate()
        server.wait()


DEMO_READ_S = 300.0


def _answer(r: httpx.Response) -> dict[str, Any]:
    """The JSON of a 200 answer; any other status is a clear error naming the request."""
    if r.status_code != 200:
        raise StrataError(
            f"{r.request.method} {r.request.url.path} answered {r.status_code}: {r.text[:500]}"
        )
    body: dict[str, Any] = r.json()
    return body
