"""Fusion and the final rerank on hand-made seeds (no Neo4j)."""

from __future__ import annotations

from datetime import UTC, datetime

from strata.query.fusion import Seeds, fuse
from strata.query.items import Item, answer_facts, rerank
from strata.query.plan import DEFAULT, Plan
from strata.query.understand import understand

NOW = datetime(2024, 6, 15, tzinfo=UTC)


def _plan(question: str) -> Plan:
    plan = Plan(user_id="u", query=question, k=3, as_of=None, preset=DEFAULT)
    plan.understanding = understand(question, NOW)
    return plan


def _turn(
    text: str, before: str | None = None, after: str | None = None, session: str = "s"
) -> dict[str, object]:
    return {"text": text, "before": before, "after": after, "interaction_id": session}


def test_the_reply_to_a_matching_question_outranks_a_weak_match() -> None:
    seeds = Seeds(
        fulltext=[("ask", "Turn", 8.0), ("weak", "Turn", 2.0)],
        turns={
            "ask": _turn("Tim: Who's your favourite basketball player?", after="reply"),
            "weak": _turn("John: I played some basketball.", before="x", after="y"),
        },
    )
    ranked = [t for t, _ in fuse(_plan("Who is John's favourite basketball player?"), seeds, [])]
    assert ranked.index("reply") < ranked.index("weak")
    assert ranked[0] == "ask"


def test_a_statement_passes_less_to_its_neighbours_than_a_question() -> None:
    plan = _plan("favourite player")
    asks = Seeds(fulltext=[("a", "Turn", 5.0)], turns={"a": _turn("Who?", after="r")})
    tells = Seeds(fulltext=[("a", "Turn", 5.0)], turns={"a": _turn("LeBron.", after="r")})
    assert dict(fuse(plan, asks, []))["r"] > dict(fuse(plan, tells, []))["r"]


def _item(i: str, score: float, speaker: str, time: datetime) -> Item:
    return Item("turn", i, i, "s", f"{speaker}: ...", score, time=time, speaker=speaker)


def test_rerank_prefers_the_named_speaker_and_the_named_time() -> None:
    may, june = datetime(2023, 5, 4, tzinfo=UTC), datetime(2023, 6, 20, tzinfo=UTC)
    pool = [
        _item("other-speaker", 1.0, "Nate", may),
        _item("other-time", 1.0, "Joanna", june),
        _item("both", 0.8, "Joanna", may),
    ]
    top = rerank(_plan("What movie did Joanna watch on 3 May, 2023?"), pool, 3)
    assert top[0].id == "both"
    assert {i.id for i in top} == {"both", "other-speaker", "other-time"}


def test_answer_facts_are_the_answers_own_then_its_entities_capped() -> None:
    facts = [
        {"id": "pool-only", "evidence": ["t9"], "about": False},
        {"id": "entity", "evidence": ["t8"], "about": True},
        {"id": "own", "evidence": ["t8", "t1"], "about": True},
    ]
    answer = [_item("t1", 1.0, "Joanna", NOW)]
    assert [f["id"] for f in answer_facts(facts, answer, 10)] == ["own", "entity"]
    assert [f["id"] for f in answer_facts(facts, answer, 1)] == ["own"]


def test_rerank_puts_a_statement_before_an_equally_scored_question() -> None:
    asks = Item("turn", "ask", "ask", "s", "Tim: Who is your favourite player?", 1.0)
    tells = Item("turn", "tell", "tell", "s", "John: LeBron is my favourite player.", 0.9)
    top = rerank(_plan("Who is the favourite player?"), [asks, tells], 2)
    assert [i.id for i in top] == ["tell", "ask"]


def test_of_two_equal_hits_the_one_in_the_best_matching_session_ranks_first() -> None:
    seeds = Seeds(
        fulltext=[("best", "Turn", 9.0), ("a", "Turn", 3.0), ("b", "Turn", 3.0)],
        turns={
            "best": _turn("Nate: my tournament win", session="s1"),
            "a": _turn("Nate: the game", session="s2"),
            "b": _turn("Nate: the game", session="s1"),
        },
    )
    ranked = [t for t, _ in fuse(_plan("Which game did Nate win?"), seeds, [])]
    assert ranked == ["best", "b", "a"]
