"""The hand-written user–assistant development set is consistent: every evidence id names a
real turn of the question's conversation, every question has one of the nine kinds, and the
split is by conversation."""

import json
from pathlib import Path

DATA = Path(__file__).parents[2] / "bench" / "data" / "chats_dev.json"
KINDS = {
    "information_extraction",
    "knowledge_update",
    "contradiction",
    "temporal_reasoning",
    "multi_session",
    "preference",
    "instruction",
    "event_ordering",
    "summarization",
}


def test_evidence_names_real_turns_and_every_kind_is_asked() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    turns = {
        c["id"]: {t["id"]: t["role"] for s in c["sessions"] for t in s["turns"]}
        for c in data["conversations"]
    }
    for q in data["questions"]:
        assert q["evidence"], q["id"]
        assert set(q["evidence"]) <= set(turns[q["conversation"]]), q["id"]
    assert {q["kind"] for q in data["questions"]} == KINDS
    assert {c["half"] for c in data["conversations"]} == {"tune", "holdout"}
    assert len({q["id"] for q in data["questions"]}) == len(data["questions"])
