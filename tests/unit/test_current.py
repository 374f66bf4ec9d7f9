"""Superseded statements behind the ones that replaced them, for questions about now (no Neo4j)."""

from __future__ import annotations

from datetime import UTC, datetime

from strata.query.current import current_first
from strata.query.items import Item
from strata.query.understand import understand

NOW = datetime(2024, 12, 1, tzinfo=UTC)
MARCH, JUNE, SEPT = (datetime(2024, m, 1, tzinfo=UTC) for m in (3, 6, 9))


def _items(*ids: str) -> list[Item]:
    return [Item("turn", i, i, "s", i, score=10.0 - n) for n, i in enumerate(ids)]


def _fact(fid: str, turn: str, obj: str, since: datetime, until: datetime | None, by: str | None):
    return {
        "id": fid,
        "predicate": "lives_in",
        "object": obj,
        "evidence": [turn],
        "valid_from": since,
        "valid_to": until,
        "superseded_by": by,
    }


CHAIN = [
    _fact("f-paris", "t-paris", "paris", MARCH, JUNE, "f-berlin"),
    _fact("f-berlin", "t-berlin", "berlin", JUNE, SEPT, "f-rome"),
    _fact("f-rome", "t-rome", "rome", SEPT, None, None),
]


def test_the_newest_statement_leads_a_chain_of_moves_and_the_old_ones_follow() -> None:
    items = _items("t-paris", "t-other", "t-berlin", "t-rome")
    out = current_first(items, CHAIN, understand("Where does Alice live?", NOW), NOW)
    assert [i.id for i in out] == ["t-rome", "t-berlin", "t-paris", "t-other"]
    assert [i.score for i in out] == sorted((i.score for i in out), reverse=True)
    paris = out[2]
    assert (paris.superseded_at, paris.superseded_by) == (JUNE, "t-berlin")


def test_a_question_about_the_past_keeps_the_order_but_marks_the_old_statement() -> None:
    items = _items("t-paris", "t-berlin")
    out = current_first(items, CHAIN, understand("Where did Alice live before?", NOW), NOW)
    assert [i.id for i in out] == ["t-paris", "t-berlin"]
    assert out[0].superseded_at == JUNE


def test_a_question_about_something_else_leaves_the_turn_alone() -> None:
    items = _items("t-paris", "t-berlin")
    out = current_first(items, CHAIN, understand("What does Alice do for work?", NOW), NOW)
    assert [i.id for i in out] == ["t-paris", "t-berlin"]
    assert out[0].superseded_at is None


def test_a_fact_closed_after_the_question_time_is_current_then() -> None:
    april = datetime(2024, 4, 1, tzinfo=UTC)
    items = _items("t-paris", "t-berlin")
    out = current_first(items, CHAIN[:1], understand("Where does Alice live?", april), april)
    assert [i.id for i in out] == ["t-paris", "t-berlin"]
    assert out[0].superseded_at is None
