"""The demo's two conversations: asked where Alice lives, the move to Berlin comes first; asked
about before, Paris is found; the old statement stays in the answer, marked superseded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from strata.api.runtime import pipeline, planner
from strata.graph.db import Graph
from strata.ingest.sources import read_file

pytestmark = pytest.mark.integration

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "conversation.jsonl"
PARIS, BERLIN = "I live in Paris", "I live in Berlin now"


@pytest.fixture
def alice(graph: Graph, user_id: str) -> str:
    items = read_file(DEMO, "native")
    pipeline(graph).ingest([it.model_copy(update={"user_id": user_id}) for it in items])
    return user_id


def _texts(user: str, question: str) -> list[str]:
    return [i.text for i in planner().search(user, question, k=5).items]


def test_the_current_home_comes_first_and_the_old_one_is_marked(alice: str) -> None:
    answer = planner().search(alice, "Where does Alice live?", k=5)
    assert BERLIN in answer.items[0].text
    paris = next(i for i in answer.items if PARIS in i.text)
    assert paris.superseded_at == datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
    assert paris.superseded_by == answer.items[0].id
    assert answer.items[0].superseded_at is None


def test_a_question_about_the_past_finds_paris(alice: str) -> None:
    assert any(PARIS in t for t in _texts(alice, "Where did Alice live before?")[:2])
    assert PARIS in _texts(alice, "Where did Alice live in March 2024?")[0]


def test_the_current_taste_comes_first(alice: str) -> None:
    assert "I don't like coffee anymore" in _texts(alice, "Does Alice like coffee?")[0]


def test_a_turn_also_holding_a_current_fact_keeps_its_place_for_that_fact(alice: str) -> None:
    answer = planner().search(alice, "What does Alice do for work?", k=5)
    assert PARIS in answer.items[0].text  # "... and I work as a nurse": still true
    assert answer.items[0].superseded_at is None
