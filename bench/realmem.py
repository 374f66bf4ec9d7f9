"""``strata bench realmem``: user–assistant retrieval on RealMem, beside BM25, on a fixed split.

RealMem (shared/data/realmem, Apache-2.0): long LLM-generated user–assistant chats. A user turn
with ``is_query`` needs memory of earlier sessions; the assistant turn answering it lists them in
``memory_session_uuids``. Metric: session-level recall@k = share of those sessions found among the
sessions of the top-k items, counting only items from sessions *before* the query's session (the
same filter for Strata and BM25, so neither is credited for the query turn itself).

Split: each query goes to ``tune`` or ``holdout`` by a hash of its user and query id, fixed
forever, so ranking rules are tuned on one half and checked on the other.

Turn level too: the answering turn's ``memory_used`` items trace, through the sessions'
``extracted_memory`` (``source_turn``), to the turns they came from; turn-level recall@k is the
share of those turns among the top-k earlier items (a long message's passages count as it).
Messages are ingested as they are, however long (ingest splits long ones into passages).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from strata.bench.recall import Bm25, by_group
from strata.ingest.models import InteractionIn, MessageIn
from strata.query.plan import PRESETS
from strata.query.planner import Planner

TENANT = "bench"


@dataclass(frozen=True)
class Query:
    user: str
    qid: str
    text: str
    session: int  # index of the query's session in the user's file
    evidence: frozenset[str]  # session uuids
    half: str  # "tune" | "holdout"
    turns: frozenset[str] = frozenset()  # message ids "<session uuid>:<turn index>"


def half_of(user: str, qid: str) -> str:
    digest = hashlib.blake2b(f"{user}\x1f{qid}".encode(), digest_size=4).digest()
    return "tune" if digest[0] % 2 == 0 else "holdout"


def load(path: Path) -> tuple[str, list[InteractionIn], list[Query], dict[str, int]]:
    """One user's file → (user, interactions, queries, {session uuid: index}, ...)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    user = str(data["_metadata"]["person_name"])
    interactions: list[InteractionIn] = []
    queries: list[Query] = []
    order: dict[str, int] = {}
    sources = {
        (
            str(m["session_uuid"]),
            str(m["content"]).strip(),
        ): f"{m['session_uuid']}:{m['source_turn']}"
        for session in data["dialogues"]
        for m in session.get("extracted_memory") or []
    }
    for si, session in enumerate(data["dialogues"]):
        uuid = str(session["session_uuid"])
        order[uuid] = si
        messages: list[MessageIn] = []
        pending: dict[str, Any] | None = None
        for ti, turn in enumerate(session["dialogue_turns"]):
            text = str(turn.get("content") or "").strip()
            if not text:
                continue
            role = "user" if turn["speaker"] == "User" else "assistant"
            mid = f"{uuid}:{ti}"
            messages.append(MessageIn(id=mid, speaker=turn["speaker"], role=role, text=text))
            if turn.get("is_query") and role == "user":
                pending = {"qid": str(turn.get("query_id") or f"{uuid}:{ti}"), "text": text}
            elif pending and role == "assistant" and turn.get("memory_session_uuids"):
                ev = frozenset(str(u) for u in turn["memory_session_uuids"])
                qid = pending["qid"]
                used = turn.get("memory_used") or []
                turns = frozenset(
                    sources[key]
                    for u in used
                    if (key := (str(u["session_uuid"]), str(u["content"]).strip())) in sources
                )
                queries.append(Query(user, qid, pending["text"], si, ev, half_of(user, qid), turns))
                pending = None
        if messages:
            interactions.append(
                InteractionIn(
                    id=uuid,
                    user_id=f"{TENANT}:{user}",
                    started_at=_session_time(session.get("current_time"), si),
                    messages=messages,
                )
            )
    return user, interactions, queries, order


def _session_time(stamp: Any, index: int) -> Any:
    from datetime import UTC, datetime, timedelta

    try:
        day = datetime.strptime(str(stamp)[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        day = datetime(2025, 1, 1, tzinfo=UTC)
    return day + timedelta(minutes=index)  # sessions of one day keep their order


def session_of(source_id: str) -> str:
    return source_id.split(":")[0]


def earlier(ids: list[str], q: Query, order: dict[str, int], k: int) -> list[str]:
    """The first k distinct items (message ids) from sessions before the query's session."""
    out: list[str] = []
    for i in ids:
        if order.get(session_of(i), 1 << 30) < q.session and i not in out:
            out.append(i)
    return out[:k]


def score(results: list[tuple[Query, list[str]]]) -> dict[str, Any]:
    """Session- and turn-level recall@5/10 per half (turn level over queries that trace)."""
    sessions = by_group(
        (("all", q.half), q.evidence, [session_of(i) for i in ids]) for q, ids in results
    )
    turns = by_group((("all", q.half), q.turns, ids) for q, ids in results if q.turns)
    return {h: r | {f"turn {m}": turns[h][m] for m in ("R@5", "R@10")} for h, r in sessions.items()}


def bm25(
    interactions: list[InteractionIn], qs: list[Query], order: dict[str, int]
) -> list[list[str]]:
    messages = [m for it in interactions for m in it.messages]
    index = Bm25([m.id or "" for m in messages], [f"{m.speaker}: {m.text}" for m in messages])
    return [earlier(index.rank(q.text, 400), q, order, 10) for q in qs]


def run_planner(
    planner: Planner, qs: list[Query], order: dict[str, int], preset: str
) -> list[list[str]]:
    out = []
    for q in qs:
        answer = planner.search(f"{TENANT}:{q.user}", q.text, k=50, preset=PRESETS[preset])
        out.append(earlier([i.source_id or "" for i in answer.items], q, order, 10))
    return out


def realmem(
    folder: Path, pipeline: Any, planner: Planner, presets: list[str], log: Any = print
) -> dict[str, Any]:
    """Ingest every user of ``folder``, then session-level recall per half, BM25 beside."""
    users = [load(p) for p in sorted(folder.glob("*_dialogues_*.json"))]
    report: dict[str, Any] = {
        "queries": sum(len(u[2]) for u in users),
        "traced_queries": sum(1 for u in users for q in u[2] if q.turns),
        "longest_message": max(len(m.text) for u in users for it in u[1] for m in it.messages),
    }
    for _, interactions, _, _ in users:
        summary = pipeline.ingest(interactions)
        log(f"ingested {summary.turns} turns, {summary.turns_per_s:.0f} turns/s")
    report["bm25"] = score(
        [r for _, its, qs, order in users for r in zip(qs, bm25(its, qs, order), strict=True)]
    )
    log(f"bm25: {json.dumps(report['bm25'])}")
    for preset in presets:
        report[preset] = score(
            [
                r
                for _, _, qs, order in users
                for r in zip(qs, run_planner(planner, qs, order, preset), strict=True)
            ]
        )
        log(f"{preset}: {json.dumps(report[preset])}")
    return report


def markdown(report: dict[str, Any]) -> str:
    rows = [
        "| system | level | tune R@5 | tune R@10 | holdout R@5 | holdout R@10 | all R@5 "
        "| all R@10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in report.items():
        if not (isinstance(r, dict) and "all" in r):
            continue
        for level, prefix in (("session", ""), ("turn", "turn ")):
            cells = [
                str(r[h][prefix + m]) for h in ("tune", "holdout", "all") for m in ("R@5", "R@10")
            ]
            rows.append(f"| {name} | {level} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
