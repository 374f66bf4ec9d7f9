"""Time expressions: what they resolve to against a fixed anchor, and what is not one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from strata.graph.errors import ValidationError
from strata.ingest.timeparse import (
    Grain,
    find_time_expressions,
    parse_locomo_datetime,
    resolve,
    resolve_span,
)

# Saturday 20 May 2023, mid-afternoon: the session time every relative expression is read against.
ANCHOR = datetime(2023, 5, 20, 14, 30)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("yesterday", datetime(2023, 5, 19)),
        ("today", datetime(2023, 5, 20)),
        ("tomorrow", datetime(2023, 5, 21)),
        ("the day before yesterday", datetime(2023, 5, 18)),
        ("tonight", datetime(2023, 5, 20, 21)),
        ("last night", datetime(2023, 5, 19, 21)),
        ("this morning", datetime(2023, 5, 20, 6)),
        ("yesterday afternoon", datetime(2023, 5, 19, 12)),
        ("last Saturday", datetime(2023, 5, 13)),
        ("last Friday", datetime(2023, 5, 19)),
        ("next Friday", datetime(2023, 5, 26)),
        ("this Sunday", datetime(2023, 5, 21)),
        ("last Saturday night", datetime(2023, 5, 13, 21)),
        ("this weekend", datetime(2023, 5, 20)),
        ("last weekend", datetime(2023, 5, 13)),
        ("next weekend", datetime(2023, 5, 27)),
        ("last week", datetime(2023, 5, 8)),
        ("this week", datetime(2023, 5, 15)),
        ("next week", datetime(2023, 5, 22)),
        ("last month", datetime(2023, 4, 1)),
        ("next month", datetime(2023, 6, 1)),
        ("earlier this month", datetime(2023, 5, 1)),
        ("last year", datetime(2022, 1, 1)),
        ("next year", datetime(2024, 1, 1)),
        ("two weeks ago", datetime(2023, 5, 6)),
        ("3 days ago", datetime(2023, 5, 17)),
        ("a few days ago", datetime(2023, 5, 17)),
        ("a couple of weeks ago", datetime(2023, 5, 6)),
        ("twelve days ago", datetime(2023, 5, 8)),
        ("two months ago", datetime(2023, 3, 1)),
        ("a year ago", datetime(2022, 1, 1)),
        ("in two weeks", datetime(2023, 6, 3)),
        ("in 3 days", datetime(2023, 5, 23)),
        ("in a month", datetime(2023, 6, 1)),
        ("on May 7", datetime(2023, 5, 7)),
        ("May 7th", datetime(2023, 5, 7)),
        ("7 May 2023", datetime(2023, 5, 7)),
        ("the 7th of May", datetime(2023, 5, 7)),
        ("8 May, 2023", datetime(2023, 5, 8)),
        ("March 3, 2021", datetime(2021, 3, 3)),
        ("December 1,2023", datetime(2023, 12, 1)),  # no space after the comma
        ("on 8 May,2021", datetime(2021, 5, 8)),
        ("2023-01-05", datetime(2023, 1, 5)),
        ("May 2022", datetime(2022, 5, 1)),
        ("in June 2021", datetime(2021, 6, 1)),
        ("last May", datetime(2022, 5, 1)),
        ("in 2019", datetime(2019, 1, 1)),
        ("since 2015", datetime(2015, 1, 1)),
        ("last summer", datetime(2022, 6, 1)),
        ("this summer", datetime(2023, 6, 1)),
        ("next winter", datetime(2023, 12, 1)),
        ("the summer of 2019", datetime(2019, 6, 1)),
        ("last Fri", datetime(2023, 5, 19)),
        ("next Tues.", datetime(2023, 5, 23)),
        ("about a year ago", datetime(2022, 1, 1)),
        ("in about two weeks", datetime(2023, 6, 3)),
    ],
)
def test_relative_and_absolute_expressions_resolve_against_the_anchor(
    expr: str, expected: datetime
) -> None:
    assert resolve(expr, ANCHOR) == expected


@pytest.mark.parametrize(
    ("expr", "start", "end", "grain", "key"),
    [
        ("yesterday", datetime(2023, 5, 19), datetime(2023, 5, 20), Grain.DAY, "2023-05-19"),
        ("last week", datetime(2023, 5, 8), datetime(2023, 5, 15), Grain.WEEK, "2023-W19"),
        ("next month", datetime(2023, 6, 1), datetime(2023, 7, 1), Grain.MONTH, "2023-06"),
        ("in 2019", datetime(2019, 1, 1), datetime(2020, 1, 1), Grain.YEAR, "2019"),
        ("last summer", datetime(2022, 6, 1), datetime(2022, 9, 1), Grain.SEASON, "2022-summer"),
        ("this weekend", datetime(2023, 5, 20), datetime(2023, 5, 22), Grain.WEEKEND,
         "2023-W20-weekend"),
    ],
)  # fmt: skip
def test_spans_are_half_open_with_a_grain_and_a_stable_key(
    expr: str, start: datetime, end: datetime, grain: Grain, key: str
) -> None:
    span = resolve_span(expr, ANCHOR)
    assert span is not None
    assert (span.start, span.end, span.grain, span.key) == (start, end, grain, key)


@pytest.mark.parametrize(
    ("expr", "tense", "expected"),
    [
        ("on Friday", "past", datetime(2023, 5, 19)),
        ("on Friday", "future", datetime(2023, 5, 26)),
        ("in August", "past", datetime(2022, 8, 1)),
        ("in August", "future", datetime(2023, 8, 1)),
        ("in August", None, datetime(2023, 8, 1)),  # closest August
        ("in December", None, datetime(2022, 12, 1)),
        ("May 25", None, datetime(2023, 5, 25)),
        ("December 30", None, datetime(2022, 12, 30)),
        ("over the weekend", "past", datetime(2023, 5, 20)),  # it is Saturday: this weekend
        ("over the weekend", "future", datetime(2023, 5, 20)),
        ("in two weeks", "past", None),  # "I finished it in two weeks" is a duration
    ],
)
def test_tense_picks_among_repeats_of_underspecified_expressions(
    expr: str, tense: str | None, expected: datetime | None
) -> None:
    assert resolve(expr, ANCHOR, tense) == expected  # type: ignore[arg-type]


def test_relative_expressions_need_an_anchor_absolute_ones_do_not() -> None:
    assert resolve("yesterday", None) is None
    assert resolve("last Saturday", None) is None
    assert resolve("7 May 2023", None) == datetime(2023, 5, 7)
    assert resolve("in 2019", None) == datetime(2019, 1, 1)


def test_anchor_timezone_is_carried_into_the_result() -> None:
    aware = ANCHOR.replace(tzinfo=UTC)
    assert resolve("yesterday", aware) == datetime(2023, 5, 19, tzinfo=UTC)
    assert resolve("next month", aware) == datetime(2023, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize("expr", ["30 February 2023", "someday", "the other day", "recently", ""])
def test_impossible_or_vague_expressions_resolve_to_none(expr: str) -> None:
    assert resolve(expr, ANCHOR) is None


def test_mentions_come_with_offsets_leftmost_first() -> None:
    text = "I went yesterday, and on May 7 I fly out; in two weeks I'm back. In 2019 I moved."
    found = find_time_expressions(text)
    assert [m.text for m in found] == ["yesterday", "on May 7", "in two weeks", "In 2019"]
    for m in found:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    "text",
    [
        "I may go to the party.",  # the modal verb is not the month
        "May I ask you something?",
        "I'm 32 years old.",
        "I worked there for two weeks.",  # a duration, not a date
        "I go running on Sundays.",  # a habit, not one day
        "It was a great day.",
        "Chicago is windy.",
    ],
)
def test_things_that_are_not_time_expressions_are_not_found(text: str) -> None:
    assert find_time_expressions(text) == []


def test_longest_expression_wins_over_its_parts() -> None:
    found = find_time_expressions("We met last Saturday night and the day before yesterday.")
    assert [m.text for m in found] == ["last Saturday night", "the day before yesterday"]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("1:56 pm on 8 May, 2023", datetime(2023, 5, 8, 13, 56)),
        ("12:05 am on 1 January, 2024", datetime(2024, 1, 1, 0, 5)),
        ("12:30 pm on 15 Aug, 2022", datetime(2022, 8, 15, 12, 30)),
        ("10:37 am on 27 June, 2023", datetime(2023, 6, 27, 10, 37)),
    ],
)
def test_locomo_session_stamps_parse(stamp: str, expected: datetime) -> None:
    assert parse_locomo_datetime(stamp) == expected


@pytest.mark.parametrize("stamp", ["not a date", "1:56 pm on 31 February, 2023"])
def test_bad_locomo_stamps_raise_a_validation_error_naming_the_stamp(stamp: str) -> None:
    with pytest.raises(ValidationError, match="session time"):
        parse_locomo_datetime(stamp)
