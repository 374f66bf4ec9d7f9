"""Numeric claims from sentences (ages, birth dates, age gaps, counts) and their sheaf check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from strata.ingest.extract.durations import duration_facts
from strata.ingest.extract.facts import Ctx
from strata.ingest.extract.numbers import birth_years, numeric_facts
from strata.ingest.extract.text import person_ref
from strata.query.contradictions import check_facts

JAN = datetime(2024, 1, 15, tzinfo=UTC)


def claims(text: str) -> set[tuple[str, str, str, bool]]:
    ctx = Ctx(text, person_ref("Dana"), JAN)
    return {
        (h.fact.subject.key, h.fact.predicate.value, h.fact.object, h.fact.polarity)
        for h in numeric_facts(ctx, text)
        if h.fact.confidence >= 0.7
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm 32.", ("dana", "age", "32", True)),
        ("I am 32 years old and tired.", ("dana", "age", "32", True)),
        ("i'm thirty-two now", ("dana", "age", "32", True)),
        ("Emma just turned 30!", ("emma", "age", "30", True)),
        ("Emma is a 30-year-old nurse.", ("emma", "age", "30", True)),
        ("My brother Tom is 40.", ("tom", "age", "40", True)),
        ("I'm turning 33 next week.", ("dana", "age", "32", True)),
        ("I'm not 32.", ("dana", "age", "32", False)),
        ("I was born in 1985.", ("dana", "born", "1985", True)),
        ("I was born on March 4, 1985, in Ohio.", ("dana", "born", "1985-03-04", True)),
        ("Emma was born in March 1990.", ("emma", "born", "1990-03", True)),
        ("I was born in Ohio in 1990.", ("dana", "born", "1990", True)),
        ("My sister Emma is 3 years older than me.", ("emma", "older_than", "dana by 3", True)),
        ("I'm two years younger than Emma.", ("dana", "older_than", "emma by -2", True)),
        ("I'm 3 years older than my sister Emma.", ("dana", "older_than", "emma by 3", True)),
        ("Emma, my sister, is 3 years older than me.", ("emma", "older_than", "dana by 3", True)),
        ("Fun fact: I was born in 1990, in a small town.", ("dana", "born", "1990", True)),
        ("Well, I'm 33 and still learning!", ("dana", "age", "33", True)),
        ("Just turned 32 last week!", ("dana", "age", "32", True)),
        ("Born in 1985, by the way.", ("dana", "born", "1985", True)),
        (
            "Emma, my older sister, is 3 years older than me.",
            ("emma", "older_than", "dana by 3", True),
        ),
        (
            "My big sister Emma is 3 years older than I am.",
            ("emma", "older_than", "dana by 3", True),
        ),
        ("My older sister Emma is three years older.", ("emma", "older_than", "dana by 3", True)),
        ("My sister, Emma, is 3 years older than me.", ("emma", "older_than", "dana by 3", True)),
        ("I have two kids.", ("dana", "count", "2 children", True)),
        ("My three children love it.", ("dana", "count", "3 children", True)),
        ("I have no kids.", ("dana", "count", "0 children", True)),
        ("We have 2 dogs and a cat.", ("dana", "count", "2 dogs", True)),
    ],
)
def test_phrasings(text: str, expected: tuple[str, str, str, bool]) -> None:
    assert expected in claims(text)


@pytest.mark.parametrize(
    "text",
    [
        "Are you 32?",  # a question
        "If I were 30 I'd travel more.",  # a conditional
        "When I was 10 we moved to Ohio.",  # a past age
        "I was born in Ohio.",  # a place, not a date
        "I think I'm about 32.",  # hedged: stored with low confidence, never checked
        "Mine is 30.",
        "It's 5.",
        "Emma is 3 years older.",  # older than whom?
        "The cake is 3 years older than the wine.",
        "I had two dogs when I was a kid.",  # past
    ],
)
def test_no_checked_claim(text: str) -> None:
    assert claims(text) == set()


def test_birth_interval_at_its_grain() -> None:
    assert birth_years("1985") == (1985.0, 1986.0)
    start, end = birth_years("1985-03") or (0.0, 0.0)
    assert 1985.1 < start < end < 1985.3
    assert birth_years("not a year") is None


def fact(i: str, subject: str, predicate: str, obj: str, when: datetime = JAN) -> dict[str, Any]:
    return {
        "id": i, "subject": subject, "predicate": predicate, "object": obj, "valid_from": when,
        "valid_to": None, "evidence": [f"t{i}"], "stated_at": when, "polarity": True,
        "confidence": 0.9, "text": f"{subject} {predicate} {obj}",
    }  # fmt: skip


def test_inconsistent_ages_are_a_cycle_with_both_sides() -> None:
    report = check_facts(
        [
            fact("a", "dana", "age", "32"),
            fact("b", "emma", "older_than", "dana by 3"),
            fact("d", "emma", "age", "30"),
        ]
    )
    (c,) = report.contradictions
    assert c.kind == "cycle" and c.hint == "ask the user"
    assert {s.id for s in c.sides} == {"a", "b", "d"}
    assert all(s.evidence for s in c.sides)
    assert 4.5 < c.gap < 5.5


def test_consistent_ages_birth_year_and_gap_report_nothing() -> None:
    later = datetime(2024, 11, 20, tzinfo=UTC)
    report = check_facts(
        [
            fact("a", "dana", "age", "32"),
            fact("b", "emma", "older_than", "dana by 3"),
            fact("c", "dana", "born", "1991"),
            fact("d", "emma", "age", "35", later),
        ]
    )
    assert report.consistent


def test_birth_year_against_age_is_a_conflict() -> None:
    report = check_facts([fact("a", "dana", "age", "32"), fact("c", "dana", "born", "1990")])
    (c,) = report.contradictions
    assert {s.id for s in c.sides} == {"a", "c"}
    assert all("born ≈" in s.text for s in c.sides)


def test_aging_over_the_years_is_not_a_conflict() -> None:
    old = fact("a", "dana", "age", "32")
    new = fact("b", "dana", "age", "35", datetime(2027, 2, 1, tzinfo=UTC))
    old["valid_to"] = new["valid_from"]  # as stored: the newer age closed the older one
    report = check_facts([old, new])
    assert report.consistent and len(report.supersessions) == 1


def durations(text: str) -> set[str]:
    ctx = Ctx(text, person_ref("Dana"), JAN)
    return {h.fact.object for h in duration_facts(ctx, text) if h.fact.confidence >= 0.7}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We've been married for five years.", "married for 5 years"),
        ("I've been painting for 7 years now and love it.", "painting for 7 years"),
        ("I have been working at the bakery for 2 months.", "working for 2 months"),
        ("We got married in 2019.", "married in 2019"),
        ("I started painting back in 2016.", "painting in 2016"),
        ("I've been vegan since March 2020.", "vegan in 2020-03"),
    ],
)
def test_duration_phrasings(text: str, expected: str) -> None:
    assert expected in durations(text)


@pytest.mark.parametrize(
    "text",
    ["Have you been married for long?", "If we had been married for 5 years...", "I think we've "
     "been married for about 5 years.", "I've been to Paris for 2 weeks."],
)  # fmt: skip
def test_no_checked_duration(text: str) -> None:
    assert durations(text) == set()


def test_duration_against_its_start_date() -> None:
    def since(i: str, obj: str, when: datetime = JAN) -> dict[str, Any]:
        return {**fact(i, "dana", "since", obj, when)}

    later = datetime(2026, 6, 1, tzinfo=UTC)
    agree = [since("a", "married for 5 years"), since("b", "married in 2018"),
             since("c", "married for 7 years", later)]  # fmt: skip
    assert check_facts(agree).consistent  # the same marriage, told twice years apart
    (c,) = check_facts(
        [since("a", "married for 5 years"), since("d", "married in 2012")]
    ).contradictions
    assert {s.id for s in c.sides} == {"a", "d"} and all("since ≈" in s.text for s in c.sides)
    other = [since("a", "married for 5 years"), since("e", "painting in 2012")]
    assert check_facts(other).consistent  # different activities never meet


def test_an_age_gap_binds_birth_times_never_other_starts() -> None:
    facts = [
        fact("a", "dana", "age", "32"),
        fact("b", "emma", "older_than", "dana by 3"),
        fact("0", "dana", "since", "married for 5 years"),  # sorts first among dana's claims
        fact("d", "emma", "age", "35"),
    ]
    assert check_facts(facts).consistent


def test_counts_said_the_same_day_contradict_and_a_later_count_updates() -> None:
    same_day = check_facts(
        [fact("a", "lena", "count", "2 children"), fact("b", "lena", "count", "3 children")]
    )
    (c,) = same_day.contradictions
    assert {s.id for s in c.sides} == {"a", "b"}
    later = check_facts(
        [
            fact("a", "lena", "count", "2 children"),
            fact("b", "lena", "count", "3 children", datetime(2024, 9, 1, tzinfo=UTC)),
        ]
    )
    assert not later.contradictions and len(later.supersessions) == 1
    other_things = check_facts(
        [fact("a", "lena", "count", "2 children"), fact("b", "lena", "count", "3 cats")]
    )
    assert other_things.consistent
