"""Event dates and relative claims between events (ingest/extract/relations.py), and the sheaf
check over them (query/event_sheaf.py through query/contradictions.check_facts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from strata.ingest.extract.facts import Ctx
from strata.ingest.extract.pipeline import Extractor
from strata.ingest.extract.relations import event_facts, event_key
from strata.ingest.extract.text import person_ref
from strata.ingest.models import Turn
from strata.query.contradictions import check_facts
from strata.query.event_sheaf import span_days
from strata.query.sheaf import epoch_days

SEPT = datetime(2023, 9, 15, 10, tzinfo=UTC)


def said(text: str, when: datetime = SEPT) -> set[tuple[str, str, bool, bool]]:
    """(predicate, object, polarity, checked) of one sentence said at ``when``."""
    hits = event_facts(Ctx(text, person_ref("Dana"), when), text, when)
    return {
        (h.fact.predicate.value, h.fact.object, h.fact.polarity, h.fact.confidence >= 0.7)
        for h in hits
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We moved here two months after the wedding.", "move after wedding by 2 months"),
        ("we moved two months after our wedding lol", "move after wedding by 2 months"),
        ("We moved here 2 months before the wedding.", "move after wedding by -2 months"),
        ("Two months after we got married, we moved to Boston.", "move after wedding by 2 months"),
        ("Two months after the wedding we moved.", "move after wedding by 2 months"),
        ("I started the new job a week before my birthday.", "job after birthday by -1 weeks"),
        ("Three days after the concert I got sick.", "sick after concert by 3 days"),
        ("I got sick the day after the concert.", "sick after concert by 1 days"),
        ("The move was a year after we got married.", "move after wedding by 1 years"),
        ("We got engaged 3 years before we got married.", "engagement after wedding by -3 years"),
        ("A week after graduation I started my new job.", "job after graduation by 1 weeks"),
        ("I started my new job a week after graduating.", "job after graduation by 1 weeks"),
        ("So we finally moved in 6 months after the wedding!", "move after wedding by 6 months"),
        ("We moved in August, two months after the wedding.", "move after wedding by 2 months"),
        ("My son was born two years after we got married.", "birth after wedding by 2 years"),
        ("We got married in 2015, two years after we met.", "wedding after met by 2 years"),
        ("We bought the house a month before the baby was born.", "hous after birth by -1 months"),
        ("I retired two years after Emma's wedding.", "retirement after emma wedding by 2 years"),
    ],
)  # fmt: skip
def test_relation_phrasings(text: str, expected: str) -> None:
    assert ("event_offset", expected, True, True) in said(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We got married on June 3, 2023.", "wedding on 2023-06-03"),
        ("We moved in August 2023.", "move on 2023-08"),
        ("We moved last month.", "move on 2023-08"),
        ("Oh we moved last month, it was crazy.", "move on 2023-08"),
        ("Our wedding was in June 2023.", "wedding on 2023-06"),
        ("Last spring I graduated.", "graduation on 2023-spring"),
        ("I graduated in 2019 and moved to Ohio.", "graduation on 2019"),
        ("I went to the concert on May 5, 2023.", "concert on 2023-05-05"),
        ("We got married two weeks ago.", "wedding on 2023-09-01"),
    ],
)
def test_event_date_phrasings(text: str, expected: str) -> None:
    assert ("event_date", expected, True, True) in said(text)


@pytest.mark.parametrize(
    "text",
    [
        "Did you move two months after the wedding?",
        "We'll move two months after the wedding.",
        "We're going to move two months after the wedding.",
        "If we moved two months after the wedding, we'd be fine.",
        "I wish we had moved a month after the wedding.",
        "I was 5 years old before the wedding.",
        "I love the days after the storm.",
        "We moved two months after that.",
        "I went to a concert yesterday.",  # a repeated event is dated only with its year
        "I went camping last weekend.",
        "When did you move?",
        "We will get married next June.",
        "I'll graduate in 2025.",
        "The weather was great last month.",
        "I was sick for two weeks after the wedding.",  # a duration, not an offset
        "She moved two months after the wedding.",  # a pronoun names nobody we can key
        "We moved two months after her wedding.",  # two people's timelines in one claim
        "Then moved two months after the wedding.",
    ],
)
def test_nothing_said(text: str) -> None:
    assert said(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We got married in June 2023 and two months later we moved here.",
         "move after wedding by 2 months"),
        ("I got the job in May, then a week later I got sick.", "sick after job by 1 weeks"),
        ("We met in 2015, and two years later we got married.", "wedding after met by 2 years"),
    ],
)  # fmt: skip
def test_later_relates_to_the_clause_before(text: str, expected: str) -> None:
    assert ("event_offset", expected, True, True) in said(text)


def test_later_at_a_sentence_start_relates_to_the_previous_sentence() -> None:
    turn = Turn(
        id="t0", interaction_id="i1", user_id="u1", seq=0, speaker="Dana", role="user",
        text="We got married in June 2023. Two months later, we moved here. Fun times.",
        time=SEPT, source_id=None,
    )  # fmt: skip
    found = {(f.predicate.value, f.object) for f in Extractor().extract(turn).facts}
    assert ("event_offset", "move after wedding by 2 months") in found
    assert ("event_date", "wedding on 2023-06") in found
    alone = Ctx("Two months later, we moved here.", person_ref("Dana"), SEPT)
    assert not event_facts(alone, alone.sentence, SEPT)  # no earlier event: nothing
    state = replace(turn, text="I was tired. Two days later I felt better.")
    assert not [f for f in Extractor().extract(state).facts if f.predicate.value == "event_offset"]


def test_negations_keep_polarity_and_hedges_are_not_checked() -> None:
    assert said("We didn't move two months after the wedding.") == {
        ("event_offset", "move after wedding by 2 months", False, True)
    }
    for text in [
        "We moved about two months after the wedding.",
        "I think we moved two months after the wedding.",
        "We moved a couple of weeks after the wedding.",
        "We moved two months or so after the wedding.",
        "We moved a few days after the wedding.",
    ]:
        found = said(text)
        assert found and all(not checked for *_, checked in found), text


def test_event_keys_meet_across_wordings() -> None:
    assert event_key("got married") == event_key("the wedding") == "wedding"
    assert event_key("moved here") == event_key("the move") == event_key("moving in") == "move"
    assert event_key("started the new job") == event_key("my new job") == "job"
    assert event_key("painting") == event_key("painted") == event_key("paint")
    assert event_key("Emma's wedding") == "emma wedding"
    assert event_key("the") is None


def test_span_keys_are_intervals_at_their_grain() -> None:
    day = epoch_days(datetime(2023, 6, 3, tzinfo=UTC))
    assert span_days("2023-06-03") == (day, day + 1)
    start, end = span_days("2023-06") or (0, 0)
    assert (start, end - start) == (epoch_days(datetime(2023, 6, 1, tzinfo=UTC)), 30)
    assert (span_days("2023") or (0, 0))[1] - (span_days("2023") or (0, 0))[0] == 365
    week = span_days("2023-W19") or (0, 0)
    assert week == (epoch_days(datetime(2023, 5, 8, tzinfo=UTC)), week[0] + 7)
    weekend = span_days("2023-W19-weekend") or (0, 0)
    assert weekend == (epoch_days(datetime(2023, 5, 13, tzinfo=UTC)), weekend[0] + 2)
    assert span_days("2023-summer") is not None
    assert span_days("soon") is None and span_days("2023-13") is None


JUNE = datetime(2023, 6, 20, tzinfo=UTC)


def facts(*turns: tuple[datetime, str]) -> list[dict[str, Any]]:
    """Fact rows (as query/facts_for_turns gives them) of sentences said by Dana."""
    rows = []
    for i, (when, text) in enumerate(turns):
        for j, h in enumerate(event_facts(Ctx(text, person_ref("Dana"), when), text, when)):
            f = h.fact
            rows.append(
                {"id": f"f{i}.{j}", "subject": f.subject.key, "predicate": f.predicate.value,
                 "object": f.object, "polarity": f.polarity, "confidence": f.confidence,
                 "valid_from": when, "valid_to": None, "stated_at": when,
                 "evidence": [f"m{i}"], "text": text}
            )  # fmt: skip
    return rows


def wedding_move(relation: str) -> list[dict[str, Any]]:
    return facts(
        (JUNE, "We got married on June 3, 2023."),
        (SEPT, "We moved in August 2023."),
        (SEPT, relation),
    )


def test_a_relation_that_does_not_close_is_a_cycle_with_every_side() -> None:
    (c,) = check_facts(wedding_move("We moved here two months before the wedding.")).contradictions
    assert c.kind == "cycle" and c.hint == "ask the user" and c.gap > 100
    assert [s.evidence for s in c.sides] == [("m0",), ("m1",), ("m2",)]
    texts = [s.text for s in c.sides]
    assert "2023-06-03" in texts[0] and "August" in texts[1] and "before" in texts[2]
    assert len(c.relations) == 1 and c.blame > 0


@pytest.mark.parametrize(
    "relation",
    [
        "We moved here two months after the wedding.",  # August is any day of August
        "We moved here three months after the wedding.",  # Sept 3 ± half a month meets August
        "We moved here ten weeks after the wedding.",
    ],
)
def test_a_relation_within_the_grain_reports_nothing(relation: str) -> None:
    assert check_facts(wedding_move(relation)).consistent


def test_far_offsets_and_clashing_dates_are_reported() -> None:
    assert not check_facts(wedding_move("We moved five months after the wedding.")).consistent
    assert not check_facts(wedding_move("We moved a week after the wedding.")).consistent
    twice = facts((JUNE, "We got married on June 3, 2023."), (SEPT, "We got married in 2019."))
    (c,) = check_facts(twice).contradictions
    assert c.kind == "conflict" and {s.evidence for s in c.sides} == {("m0",), ("m1",)}
    again = facts(
        (JUNE, "We got married on June 3, 2023."), (SEPT, "Our wedding was in June 2023.")
    )
    assert check_facts(again).consistent


def test_relations_alone_close_a_loop_through_undated_events() -> None:
    loop = [
        "We got engaged a year before the wedding.",
        "We moved two months after the wedding.",
        "We moved three years after we got engaged.",
    ]
    (c,) = check_facts(facts(*((SEPT, t) for t in loop))).contradictions
    assert len(c.relations) == 3 and len(c.sides) == 3  # unknown dates are not sides
    fixed = [*loop[:2], "We moved a year after we got engaged."]
    assert check_facts(facts(*((SEPT, t) for t in fixed))).consistent


def test_hedged_or_negated_relations_are_never_checked() -> None:
    for relation in [
        "We moved about two months before the wedding.",
        "We didn't move two months before the wedding.",
    ]:
        assert check_facts(wedding_move(relation)).consistent, relation


def test_a_wedding_date_told_twice_is_one_report_not_two() -> None:
    base = Turn(
        id="t0", interaction_id="i1", user_id="u1", seq=0, speaker="Dana", role="user",
        text="We got married on June 3, 2023.", time=JUNE, source_id="m0",
    )  # fmt: skip
    later = replace(base, id="t1", seq=1, text="We got married in 2019.", time=SEPT, source_id="m1")
    rows = [
        {"id": f"{t.id}.{j}", "subject": f.subject.key, "predicate": f.predicate.value,
         "object": f.object, "polarity": f.polarity, "confidence": f.confidence,
         "valid_from": t.time, "valid_to": None, "stated_at": t.time,
         "evidence": [t.source_id], "text": t.text}
        for t in (base, later)
        for j, f in enumerate(Extractor().extract(t).facts)
    ]  # fmt: skip
    assert {r["predicate"] for r in rows} == {"since", "event_date"}  # both readings are stored
    (c,) = check_facts(rows).contradictions
    assert {s.evidence for s in c.sides} == {("m0",), ("m1",)}


def test_named_people_have_their_own_timelines() -> None:
    def whose(text: str) -> set[tuple[str, str]]:
        hits = event_facts(Ctx(text, person_ref("Dana"), SEPT), text, SEPT)
        return {(h.fact.subject.key, h.fact.object) for h in hits if h.fact.confidence >= 0.7}

    assert whose("Emma moved to Paris two months after her wedding.") == {
        ("emma", "move after wedding by 2 months")
    }
    assert whose("So Emma got married on June 3, 2023.") == {("emma", "wedding on 2023-06-03")}
    said = [
        (JUNE, "Emma got married on June 3, 2023."),
        (SEPT, "We moved in August 2023."),
        (SEPT, "Emma moved two months before her wedding."),
    ]
    assert check_facts(facts(*said)).consistent  # Emma's move is not Dana's
    (c,) = check_facts(facts(*said, (SEPT, "Emma moved in August 2023."))).contradictions
    assert {s.evidence for s in c.sides} == {("m0",), ("m2",), ("m3",)}


def test_a_stored_blank_fact_does_not_stop_the_check() -> None:
    rows = wedding_move("We moved here two months before the wedding.")
    blank = dict(rows[0], id="blank", predicate="plans", object="", evidence=["m9"])
    assert len(check_facts([*rows, blank]).contradictions) == 1
