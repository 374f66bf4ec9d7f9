"""Dated answers to "when" questions from the top evidence's time expressions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from strata.query.dated import dated_answer, is_when_question

SAID = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)  # a Monday


@dataclass
class Turn:
    id: str
    text: str
    time: datetime | None = SAID


@pytest.mark.parametrize(
    ("text", "start", "end", "grain"),
    [
        ("I went to the LGBTQ support group yesterday.", "2023-05-07", "2023-05-07", "day"),
        ("We ran a charity race last Sunday!", "2023-05-07", "2023-05-07", "day"),
        ("The race was last weekend, so tired.", "2023-05-06", "2023-05-07", "weekend"),
        ("I painted that sunrise last year.", "2022-01-01", "2022-12-31", "year"),
        ("Two weeks ago I gave a talk at the race.", "2023-04-24", "2023-04-24", "day"),
        ("We did the race in March.", "2023-03-01", "2023-03-31", "month"),
        ("It was a long race last week.", "2023-05-01", "2023-05-07", "week"),
    ],
)
def test_resolved_against_the_turn_time(text: str, start: str, end: str, grain: str) -> None:
    answer = dated_answer("When did Mel run the race?", [Turn("t1", text)])
    assert answer is not None
    out = answer.to_json()
    assert (out["start"], out["end"], out["grain"]) == (start, end, grain)
    assert out["evidence"] == ["t1"] and out["text"]


def test_future_questions_resolve_forward() -> None:
    answer = dated_answer(
        "When is Mel going camping?", [Turn("t1", "We're going camping in June.")]
    )
    assert answer is not None and answer.to_json()["start"] == "2023-06-01"


def test_the_sentence_about_the_question_wins() -> None:
    text = "Last year I started pottery. We went camping yesterday, it rained."
    answer = dated_answer("When did Mel go camping?", [Turn("t1", text)])
    assert answer is not None and answer.to_json()["start"] == "2023-05-07"
    assert answer.how["expression"].lower() == "yesterday"


def test_no_time_named_falls_back_to_the_day_it_was_said() -> None:
    answer = dated_answer("When did Mel go camping?", [Turn("t1", "Camping was fun!")])
    assert answer is not None and answer.to_json()["start"] == "2023-05-08"
    assert "no time" in answer.how["rule"]


@pytest.mark.parametrize("q", ["Where does Mel live?", "How long has Mel painted?", "Why?"])
def test_only_when_questions(q: str) -> None:
    assert not is_when_question(q)
    assert dated_answer(q, [Turn("t1", "yesterday")]) is None


def test_no_dated_evidence_no_answer() -> None:
    assert dated_answer("When did Mel go?", [Turn("t1", "yesterday", None)]) is None
    assert dated_answer("What year did Mel move?", []) is None


def test_a_lower_turn_about_the_question_beats_an_unrelated_dated_top_turn() -> None:
    turns = [
        Turn("t1", "I went to a concert last Friday."),
        Turn("t2", "We ran the charity race yesterday!"),
    ]
    answer = dated_answer("When did Mel run the charity race?", turns)
    assert answer is not None and answer.evidence == ("t2",)
    assert answer.to_json()["start"] == "2023-05-07" and answer.how["rank"] == 2


def test_a_lower_turn_needs_words_of_the_question() -> None:
    turns = [Turn("t1", "The race was great."), Turn("t2", "I baked bread yesterday.")]
    answer = dated_answer("When did Mel run the race?", turns)
    assert answer is not None and answer.evidence == ("t1",)
    assert answer.to_json()["start"] == "2023-05-08"
