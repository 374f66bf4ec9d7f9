"""Export: a user's interactions as JSONL lines in the native input shape.

Invariant: POSTing a line back yields the same interaction and turn ids. Ids embed the user's own
interaction id when one was sent; for interactions sent without one, the line's ``started_at``
is written in the form that reproduces the stored id (checked with
``ingest.turns.interaction_id``), and only when no form does is Strata's own id sent as ``id``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pydantic

from strata.api.http.memory import OLDEST, Row, native_time
from strata.graph.db import Graph
from strata.ingest.masking import restorer
from strata.ingest.models import InteractionIn
from strata.ingest.turns import interaction_id

EXPORT_PAGE = 50


def export_pages(graph: Graph, owner: str, user_id: str) -> Iterator[str]:
    """JSONL lines, oldest interaction first, read page by page (the first page eagerly, so a
    Neo4j failure still becomes a proper error status before the response starts)."""
    first = export_page(graph, owner, None, None)
    originals = restorer(graph, owner)  # STRATA_PII=mask: placeholders back to what was said

    def lines() -> Iterator[str]:
        rows = first
        while rows:
            for r in rows:
                line = _restored(export_line(r, owner, user_id), originals)
                yield json.dumps(line, ensure_ascii=False) + "\n"
            if len(rows) < EXPORT_PAGE:
                return
            rows = export_page(graph, owner, rows[-1]["t"], rows[-1]["id"])

    return lines()


def _restored(line: dict[str, Any], originals: Callable[[str], str]) -> dict[str, Any]:
    """An export line with the owner's personal values restored in texts and attachments."""
    for m in line["messages"]:
        m["text"] = originals(m["text"])
        for a in m["attachments"]:
            a["text"] = originals(a["text"])
            a["url"] = None if a.get("url") is None else originals(a["url"])
    return line


def export_page(
    graph: Graph, owner: str, after_t: int | None, after_id: str | None, only: str | None = None
) -> list[Row]:
    return graph.read(
        "api/export_interactions",
        user_id=owner,
        after_t=after_t,
        after_id=after_id,
        limit=EXPORT_PAGE,
        oldest=OLDEST,
        id=only,
    )


def export_line(row: Row, owner: str, user_id: str) -> dict[str, Any]:
    """One stored interaction as a native input line that re-imports to the same ids."""
    messages = [
        {
            "id": m["source_id"],
            "speaker": m["speaker"],
            "role": m["role"],
            "text": m["text"],
            "timestamp": _iso(native_time(m["time"])),
            "attachments": _attachments(m),
        }
        for m in _whole_messages(row["messages"])
    ]
    line: dict[str, Any] = {
        "id": row["source_id"],
        "user_id": user_id,
        "started_at": _iso(native_time(row["started_at"])),
        "messages": messages,
    }
    if row["source_id"] is None:
        _reproduce_id(line, row["id"], owner)
    return line


def _whole_messages(stored: list[Row]) -> list[Row]:
    """Turns → messages: the passages of a long message join back into its exact text."""
    out: list[Row] = []
    for m in stored:
        if m["part"] and out:
            out[-1] = {**out[-1], "text": out[-1]["text"] + m["text"]}
        else:
            out.append(m)
    return out


def _reproduce_id(line: dict[str, Any], stored_id: str, owner: str) -> None:
    """Pick the ``started_at`` form whose re-import hashes to ``stored_id``; else send the id."""
    started = line["started_at"]
    forms: list[str | None] = [None, started]
    if started is not None:
        forms.append(datetime.fromisoformat(started).replace(tzinfo=None).isoformat())
    for form in forms:
        candidate = {**line, "started_at": form, "user_id": owner}
        try:
            if interaction_id(InteractionIn.model_validate(candidate)) == stored_id:
                line["started_at"] = form
                return
        except pydantic.ValidationError:
            break
    line["id"] = stored_id


def _attachments(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The attachments as received; turns stored before they were kept rebuild from captions."""
    if message.get("attachments_json"):
        return list(json.loads(message["attachments_json"]))
    return [_attachment(c) for c in message["attachments"] or []]


def _attachment(caption: str) -> dict[str, str]:
    """A stored caption ``[kind: text]`` back to the attachment that renders to it."""
    if caption.startswith("[") and caption.endswith("]") and ": " in caption:
        kind, _, text = caption[1:-1].partition(": ")
        return {"kind": kind, "text": text}
    return {"kind": "caption", "text": caption}


def _iso(v: datetime | None) -> str | None:
    return v.isoformat() if v is not None else None
