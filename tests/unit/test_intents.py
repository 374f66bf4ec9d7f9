"""Question kinds beyond a lookup: read from the wording, answered in their own shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from strata.ingest.extract.standing import is_standing_instruction
from strata.query.intents import Intent, arrange, intent_of
from strata.query.items import Item


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What is my current job?", Intent.LATEST),
        ("Do I still live in Berlin?", Intent.LATEST),
        ("What instructions did I give you about units?", Intent.INSTRUCTIONS),
        ("How do I want you to format code?", Intent.INSTRUCTIONS),
        ("Which units did I ask you to use for distances?", Intent.INSTRUCTIONS),
        ("What name should you use for me?", Intent.INSTRUCTIONS),
        ("Can you use emojis when you write to me?", Intent.INSTRUCTIONS),
        ("What did Caroline ask Melanie to bring?", Intent.FACT),
        ("In what order did I visit Rome, Oslo and Lima?", Intent.ORDERING),
        ("Which trip came first, Rome or Oslo?", Intent.ORDERING),
        ("Summarize what we discussed about my garden.", Intent.SUMMARY),
        ("What have we talked about regarding my savings?", Intent.SUMMARY),
        ("Did I say anything contradictory about my diet?", Intent.CONFLICT),
        ("Where did Caroline go hiking?", Intent.FACT),
        ("When did Melanie paint a sunrise?", Intent.FACT),
    ],
)
def test_the_question_says_what_shape_of_answer_it_wants(question: str, intent: Intent) -> None:
    assert intent_of(question) == intent


def item(i: str, session: str, score: float, month: int) -> Item:
    return Item(
        kind="turn",
        id=i,
        source_id=i,
        interaction_id=session,
        text=i,
        score=score,
        time=datetime(2026, month, 1, tzinfo=UTC),
    )


RANKED = [  # best first; a, b, c in one session
    item("a", "s1", 1.0, 1),
    item("b", "s1", 0.95, 1),
    item("c", "s1", 0.9, 1),
    item("d", "s3", 0.85, 3),
    item("e", "s2", 0.5, 2),
]


def test_latest_puts_the_newest_of_the_near_best_first() -> None:
    got = [i.id for i in arrange(Intent.LATEST, RANKED, 5)]
    assert got[0] == "d"  # 0.85 is within 80 % of the best, and newer
    assert got[-1] == "e"  # too weak to compete on recency


def test_ordering_takes_one_turn_per_session_in_time_order() -> None:
    assert [i.id for i in arrange(Intent.ORDERING, RANKED, 3)] == ["a", "e", "d"]


def test_summary_and_conflict_spread_over_sessions() -> None:
    for intent in (Intent.SUMMARY, Intent.CONFLICT):
        assert [i.id for i in arrange(intent, RANKED, 4)] == ["a", "b", "d", "e"]


def test_a_plain_question_keeps_the_ranking() -> None:
    assert [i.id for i in arrange(Intent.FACT, RANKED, 3)] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("text", "standing"),
    [
        ("From now on, answer in metric units.", True),
        ("Call me Marc, nobody calls me Marcus.", True),
        ("Please don't use emojis in your replies.", True),
        ("Keep your answers short, please.", True),
        ("When you give me prices, show them in euros.", True),
        ("Can you call me tomorrow about the flat?", False),
        ("I don't use emojis much myself.", False),
        ("When you give a talk, breathe slowly.", False),
    ],
)
def test_standing_instructions_are_what_the_owner_asks_of_the_assistant_from_now_on(
    text: str, standing: bool
) -> None:
    assert is_standing_instruction(text) is standing
