"""Question understanding and Lucene query building (no Neo4j)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from strata.graph import lucene
from strata.query.plan import QuestionType
from strata.query.understand import understand

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("question", "people", "kind"),
    [
        ("When did Caroline go to the support group?", ["Caroline"], QuestionType.TEMPORAL),
        ("Does Alice like coffee?", ["Alice"], QuestionType.PERSONA),
        (
            "What do Melanie and Caroline both enjoy?",
            ["Melanie", "Caroline"],
            QuestionType.MULTI_HOP,
        ),
        ("Where is the dentist?", [], QuestionType.LOOKUP),
        ("How long has Jon lived in New York?", ["Jon", "New York"], QuestionType.TEMPORAL),
    ],
)
def test_people_and_question_type(question: str, people: list[str], kind: QuestionType) -> None:
    u = understand(question, NOW)
    assert u.people == people
    assert u.question_type is kind


def test_time_expressions_resolve_against_now_or_as_of() -> None:
    u = understand("What did Alice do last month?", NOW)
    assert (u.time_from, u.time_to) == (
        datetime(2024, 5, 1, tzinfo=UTC),
        datetime(2024, 6, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("Where did Alice live in March?", datetime(2024, 3, 1, tzinfo=UTC)),
        ("Where will Alice live in March?", datetime(2025, 3, 1, tzinfo=UTC)),
        ("Where did Alice go in September?", datetime(2023, 9, 1, tzinfo=UTC)),
        ("Where does Alice go in September?", datetime(2024, 9, 1, tzinfo=UTC)),  # the nearest
    ],
)
def test_a_month_without_a_year_follows_the_question_tense(question: str, start: datetime) -> None:
    assert understand(question, NOW).time_from == start


@pytest.mark.parametrize(
    "hostile",
    ["text:* OR user_key:*", 'a") OR ("b', "x AND NOT y", "\\", "*:*", "title:(a OR b)^9 ~2"],
)
def test_user_text_never_becomes_lucene_syntax(hostile: str) -> None:
    q = lucene.for_user(
        "123", hostile, names=[hostile], name_boost=0.5, pair_boost=0.5, context_boost=0.5
    )
    assert q is None or q.startswith("+user_key:123 +(")
    body = "" if q is None else q[len("+user_key:123 +(") : -1]
    clause = r'(text|context):(\w+(\^0\.5)?|"\w+ \w+"~2\^0\.5)'
    assert q is None or re.fullmatch(rf"{clause}( {clause})*", body), body


def test_named_people_weigh_less_and_adjacent_words_form_a_phrase() -> None:
    q = lucene.for_user(
        "7",
        "What did Caroline do at the support group?",
        names=["Caroline"],
        name_boost=0.5,
        pair_boost=0.25,
    )
    assert q == (
        '+user_key:7 +(text:caroline^0.5 text:support text:group text:"support group"~2^0.25)'
    )
    assert lucene.for_user("7", "support group") == "+user_key:7 +(text:support text:group)"


def test_the_turn_before_is_searched_with_its_own_weight() -> None:
    assert lucene.for_user("7", "climbing gym", context_boost=0.3) == (
        "+user_key:7 +(text:climbing text:gym context:climbing^0.3 context:gym^0.3)"
    )


def test_operators_lose_their_meaning() -> None:
    assert lucene.terms("cats AND dogs OR NOT birds") == ["cats", "dogs", "birds"]


@pytest.mark.parametrize(
    ("question", "present"),
    [
        ("Where does Alice live?", True),
        ("Does Alice still like coffee?", True),
        ("What is my diet these days?", True),
        ("Where did Alice live before?", False),
        ("Where was Alice living in 2023?", False),
        ("Where does Alice live in May 2024?", False),  # a past time named
        ("How long has Jon lived in New York?", False),
        ("What did Alice say last week?", False),
    ],
)
def test_a_question_about_now_is_told_from_one_about_the_past(question: str, present: bool) -> None:
    assert understand(question, NOW).present is present
