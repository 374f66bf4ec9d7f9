"""Messages become turns: stable ids, passages of long messages, injection flags.

A pure function of the input (no graph, no language model), so a re-ingest yields the same turns and
tests and benchmarks can build them without a server.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from strata.ingest.extract import injection
from strata.ingest.models import Extraction, InteractionIn, MessageIn, Turn, stable_id
from strata.ingest.passages import passages


def to_turns(interaction: InteractionIn) -> list[Turn]:
    """Messages → turns with stable ids; time falls back to the interaction's start. A long
    message becomes one turn per passage (``ingest/passages.py``), in order."""
    iid = interaction_id(interaction)
    turns: list[Turn] = []
    for index, m in enumerate(interaction.messages):
        captions = tuple(f"[{a.kind.replace('_', ' ')}: {a.text}]" for a in m.attachments if a.text)
        for part, (offset, text) in enumerate(passages(m.text)):
            key = (m.id or index,) if part == 0 else (m.id or index, "part", part)
            turns.append(
                Turn(
                    id=stable_id(iid, "turn", *key),
                    interaction_id=iid,
                    user_id=interaction.user_id,
                    seq=len(turns),
                    speaker=m.speaker,
                    role=m.role or "participant",
                    text=text,
                    time=utc(m.timestamp or interaction.started_at),
                    source_id=m.id,
                    attachments=captions if part == 0 else (),
                    attachments_json=json.dumps([a.model_dump() for a in m.attachments])
                    if part == 0
                    else "[]",
                    part=part,
                    offset=offset,
                    **_flags(m, text, attachments=part == 0),
                )
            )
    return turns


def untrusted(ex: Extraction) -> Extraction:
    """What a flagged or non-person turn keeps: its mentions and questions, never facts or
    events (nothing it says is promoted into persona, insights or lessons on its own)."""
    return Extraction(entities=ex.entities, queries=ex.queries)


def _flags(m: MessageIn, text: str, *, attachments: bool) -> dict[str, Any]:
    """Instruction spans in a message's text (tool output by the stricter rules for external
    content) and in its attachments (always external). A system message is the operator's
    instruction to the assistant, where instructions belong: it is not checked (and, like tool
    output, gives no facts)."""
    found = [] if m.role == "system" else injection.flags(text, external=m.role == "tool")
    spans = [{"rule": f.rule, "start": f.start, "end": f.end, "where": "text"} for f in found]
    for i, a in enumerate(m.attachments if attachments else []):
        spans += [
            {"rule": f.rule, "start": f.start, "end": f.end, "where": f"attachment {i}"}
            for f in injection.flags(a.text, external=True)
        ]
    kinds = (injection.INSTRUCTION,) if spans else ()
    return {"flags": kinds, "flag_spans": json.dumps(spans)}


def interaction_id(interaction: InteractionIn) -> str:
    if interaction.id:
        return stable_id(interaction.user_id, "interaction", interaction.id)
    first = interaction.messages[0]
    return stable_id(
        interaction.user_id,
        "interaction",
        interaction.started_at,
        len(interaction.messages),
        first.speaker,
        first.text,
    )


def utc(d: datetime | None) -> datetime | None:
    """``d`` in UTC (a naive time is taken as UTC)."""
    if d is None:
        return None
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d.astimezone(UTC)
