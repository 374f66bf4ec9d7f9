"""Ages, birth years and age gaps from conversation, checked by the sheaf in `strata search`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from strata.api.runtime import pipeline
from strata.graph.db import Graph
from strata.ingest.models import InteractionIn

STAMPS = ["2024-01-10T09:00:00Z", "2024-01-10T09:05:00Z", "2024-01-12T18:00:00Z",
          "2024-01-20T12:00:00Z"]  # fmt: skip


def say(graph: Graph, user: str, texts: list[str]) -> None:
    talk = InteractionIn.model_validate(
        {
            "id": "family",
            "user_id": user,
            "started_at": STAMPS[0],
            "messages": [
                {"id": f"m{i}", "speaker": "Dana", "text": text, "timestamp": STAMPS[i]}
                for i, text in enumerate(texts)
            ],
        }
    )
    pipeline(graph).ingest([talk])


def search_json(user: str, question: str, *extra: str) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "strata.api.cli",
            "search",
            question,
            "--user",
            user,
            "--json",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out: dict[str, object] = json.loads(done.stdout)
    return out


INCONSISTENT = [
    "I'm 32 now.",
    "My sister Emma is 3 years older than me.",
    "I was born in 1985.",
    "Emma just turned 30!",
]
CONSISTENT = [
    "I'm 32 now.",
    "My sister Emma is 3 years older than me.",
    "I was born in 1991.",
    "Emma just turned 35!",
]
CYCLE_ONLY = [  # no two statements clash; the loop through the age gap does not close
    "I am 40 years old.",
    "My brother Tom is two years younger than me.",
    "We talked about the garden.",
    "Tom turned 45 last week.",
]


MARRIED = ["We've been married for five years.", "Dana here.", "Nice.", "We got married in 2012."]
MARRIED_TWIN = [
    "We've been married for five years.",
    "Dana here.",
    "Nice.",
    "We got married in 2018.",
]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [(INCONSISTENT, True), (CONSISTENT, False), (CYCLE_ONLY, True), (MARRIED, True),
     (MARRIED_TWIN, False)],
)  # fmt: skip
def test_age_birth_year_and_gap_checked_together(
    graph: Graph, user_id: str, texts: list[str], expected: bool
) -> None:
    say(graph, f"default:{user_id}", texts)
    found = search_json(user_id, "How old is Dana and her sibling?")["contradictions"]
    assert isinstance(found, list)
    numeric = [c for c in found if any("≈" in s["text"] for s in c["sides"])]
    assert bool(numeric) is expected, found
    for c in numeric:
        assert c["hint"] and c["severity"] > 0
        assert all(s["evidence_turns"] for s in c["sides"])
        said = " ".join(s["text"] for s in c["sides"])
        assert "born ≈" in said or "since ≈" in said


def test_growing_older_is_no_contradiction(graph: Graph, user_id: str) -> None:
    talk = InteractionIn.model_validate(
        {
            "user_id": f"default:{user_id}",
            "messages": [
                {"speaker": "Dana", "text": "I'm 32.", "timestamp": "2024-01-10T09:00:00Z"},
                {"speaker": "Dana", "text": "I'm 34 now.", "timestamp": "2026-03-01T09:00:00Z"},
            ],
        }
    )
    pipeline(graph).ingest([talk])
    out = search_json(user_id, "How old is Dana?")
    assert out["contradictions"] == []
    assert isinstance(out["updates"], list) and out["updates"]


def test_when_question_gets_a_dated_answer_explained(graph: Graph, user_id: str) -> None:
    talk = InteractionIn.model_validate(
        {
            "user_id": f"default:{user_id}",
            "messages": [
                {
                    "speaker": "Dana",
                    "text": "We ran the charity race last Sunday, my legs still hurt!",
                    "timestamp": "2023-05-25T13:00:00Z",  # a Thursday
                },
                {"speaker": "Dana", "text": "I like soup.", "timestamp": "2023-05-25T13:05:00Z"},
            ],
        }
    )
    pipeline(graph).ingest([talk])
    out = search_json(user_id, "When did Dana run the charity race?")
    answer = out["answer"]
    assert isinstance(answer, dict)
    assert (answer["start"], answer["end"], answer["grain"]) == ("2023-05-21", "2023-05-21", "day")
    items = out["items"]
    assert isinstance(items, list)
    cited = [i["text"] for i in items if i["id"] in answer["evidence"]]
    assert cited and all("charity race" in text for text in cited)  # the turn that dates it
    assert "answer" not in search_json(user_id, "What does Dana like?")
    before = search_json(user_id, "When did Dana run the charity race?", "--as-of", "2023-05-01")
    assert "answer" not in before  # as_of: nothing said yet, nothing to date
    done = subprocess.run(
        [sys.executable, "-m", "strata.api.cli", "search", "When did Dana run the charity race?",
         "--user", user_id, "--json", "--explain"],
        capture_output=True, text=True, env=os.environ.copy(), timeout=300,
    )  # fmt: skip
    stages = {s["name"]: s for s in json.loads(done.stdout)["plan"]["stages"]}
    assert "last Sunday" in json.dumps(stages["answer"])


WEDDING = [
    ("2023-06-20T10:00:00Z", "We got married on June 3, 2023, best day ever."),
    ("2023-09-10T10:00:00Z", "We moved in August 2023, the new place is great."),
    ("2023-09-10T10:05:00Z", "We moved here two months before the wedding, so it was hectic."),
]
WEDDING_TWIN = [*WEDDING[:2], (WEDDING[2][0], WEDDING[2][1].replace("before", "after"))]


@pytest.mark.parametrize(("said", "expected"), [(WEDDING, True), (WEDDING_TWIN, False)])
def test_event_dates_and_a_relative_claim_checked_together(
    graph: Graph, user_id: str, said: list[tuple[str, str]], expected: bool
) -> None:
    talk = InteractionIn.model_validate(
        {
            "user_id": f"default:{user_id}",
            "messages": [
                {"id": f"m{i}", "speaker": "Dana", "text": text, "timestamp": when}
                for i, (when, text) in enumerate(said)
            ],
        }
    )
    pipeline(graph).ingest([talk])
    found = search_json(user_id, "When did Dana move?")["contradictions"]
    assert isinstance(found, list)
    events = [c for c in found if any("on ≈" in s["text"] for s in c["sides"])]
    assert bool(events) is expected, found
    for c in events:  # the loop: both dates and the relation, each with the turn that said it
        assert c["kind"] == "cycle" and c["hint"] == "ask the user" and c["severity"] > 0.5
        assert c["gap"] > 100 and c["residual"] > 0  # days: ~4 months between the two stories
        texts = [s["text"] for s in c["sides"]]
        assert len(texts) == 3 and all(s["evidence_turns"] for s in c["sides"])
        assert any("wedding on 2023-06-03" in t for t in texts)
        assert any("move on 2023-08" in t for t in texts)
        assert any("move after wedding by -2 months" in t for t in texts)
