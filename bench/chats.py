"""``strata bench chats``: user-centred user–assistant chats (bench/data/chats_dev.json).

Eight hand-written conversations, 234 turns (bench/data/README.md), in which the user states
facts about themselves, changes them, gives standing instructions and contradicts themselves,
while the assistant answers at length in the user's words. 93 questions over nine kinds, each
with the exact evidence turns; a conversation's questions are all in its ``tune`` or its
``holdout`` half. Every question is asked after the last session. Metric: turn-level
recall@5/@10, overall, per half and per kind, Strata's presets beside BM25 over the same turns
("speaker: text").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from strata.bench.recall import Bm25, by_group
from strata.ingest.models import InteractionIn, MessageIn
from strata.query.plan import PRESETS
from strata.query.planner import Planner

TENANT = "bench"
DEFAULT = Path(__file__).parent / "data" / "chats_dev.json"
ASSISTANT = "Assistant"


def interactions(conv: dict[str, Any]) -> list[InteractionIn]:
    """One interaction per session, dated (sessions of one day keep their order)."""
    out = []
    for n, s in enumerate(conv["sessions"]):
        day = datetime.strptime(s["date"], "%Y-%m-%d").replace(tzinfo=UTC)
        messages = [
            MessageIn(
                id=t["id"],
                speaker=conv["user"] if t["role"] == "user" else ASSISTANT,
                role=t["role"],
                text=t["text"],
            )
            for t in s["turns"]
        ]
        out.append(
            InteractionIn(
                id=f"{conv['id']}:{s['id']}",
                user_id=user_id(conv),
                started_at=day + timedelta(hours=10, minutes=n),
                messages=messages,
            )
        )
    return out


def user_id(conv: dict[str, Any]) -> str:
    return f"{TENANT}:chats-{conv['id']}"


def _groups(q: dict[str, Any], half: str) -> tuple[str, ...]:
    return ("all", half, f"kind:{q['kind']}", f"{half}:{q['kind']}")


def chats(
    path: Path, pipeline: Any, planner: Planner, presets: list[str], log: Any = print
) -> dict[str, Any]:
    """Ingest every conversation, then recall per group for BM25 and each preset."""
    data = json.loads(path.read_text(encoding="utf-8"))
    convs = {c["id"]: c for c in data["conversations"]}
    qs = data["questions"]
    report: dict[str, Any] = {"conversations": len(convs), "questions": len(qs)}
    for conv in convs.values():
        pipeline.ingest(interactions(conv))
    log(f"ingested {len(convs)} conversations")
    bm25 = {
        cid: Bm25(
            [t["id"] for s in c["sessions"] for t in s["turns"]],
            [
                f"{c['user'] if t['role'] == 'user' else ASSISTANT}: {t['text']}"
                for s in c["sessions"]
                for t in s["turns"]
            ],
        )
        for cid, c in convs.items()
    }
    rankers: dict[str, Any] = {"bm25": lambda q: bm25[q["conversation"]].rank(q["question"], 10)}
    for preset in presets:
        rankers[preset] = lambda q, p=preset: [
            i.source_id or ""
            for i in planner.search(
                user_id(convs[q["conversation"]]), q["question"], k=10, preset=PRESETS[p]
            ).items
        ]
    for name, rank in rankers.items():
        report[name] = by_group(
            (_groups(q, convs[q["conversation"]]["half"]), frozenset(q["evidence"]), rank(q))
            for q in qs
        )
        log(f"{name}: {json.dumps(report[name]['all'])}")
    return report


def markdown(report: dict[str, Any]) -> str:
    systems = [n for n, r in report.items() if isinstance(r, dict) and "all" in r]
    kinds = sorted(g for g in report["bm25"] if g.startswith("kind:"))
    groups = ["all", "tune", "holdout", *kinds]
    rows = [
        "| group (n) | " + " | ".join(f"{s} R@5 / R@10" for s in systems) + " |",
        "|---" * (len(systems) + 1) + "|",
    ]
    for g in groups:
        cells = [f"{report[s][g]['R@5']} / {report[s][g]['R@10']}" for s in systems]
        label = f"{g.removeprefix('kind:')} ({report['bm25'][g]['n']})"
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
