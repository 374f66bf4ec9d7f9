"""Find and resolve English time expressions against an anchor time, without any model.

``find_time_expressions(text)`` returns non-overlapping mentions, leftmost first;
``resolve_span(text, anchor)`` turns one mention into a :class:`TimeSpan`, and ``resolve``
returns its start. The calendar arithmetic (:class:`TimeSpan`, :class:`Grain`, weeks, seasons)
lives in ``timespan.py``; this module holds the English. Invariants:

* Pure and deterministic: the same text and anchor always give the same span; nothing reads the
  clock. The anchor is the message or session time; its ``tzinfo`` is carried into the result.
* Relative expressions ("yesterday", "last week") need an anchor and resolve to ``None`` without
  one; absolute ones ("7 May 2023", "in 2019") resolve without one.
* A span is half-open ``[start, end)`` with a grain. ``resolve`` returns ``start``: midnight of the
  day for day grain ("two weeks ago" = anchor date - 14 days), Monday for weeks, Saturday for
  weekends, the 1st for months and seasons (meteorological, northern hemisphere), January 1 for
  years, and the start hour of a part of the day (morning 06:00, afternoon 12:00, evening 17:00,
  night 21:00).
* Weekdays: "last Friday" is the latest Friday strictly before the anchor date, "next Friday"
  the first strictly after, "this Friday" the one in the anchor's ISO week (Monday-Sunday).
  Weeks and weekends follow ISO weeks: "last weekend" is the Saturday of the previous ISO week.
* Underspecified expressions (a bare weekday, "in May", "May 7" without a year, "the weekend")
  follow ``tense``: ``"past"`` picks the latest occurrence before the anchor, ``"future"`` the
  first after, ``None`` the closest one (ties go to the past). "In two weeks" in a past clause
  is a duration, not a date, and resolves to ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from dateutil import parser as dateutil_parser

from strata.graph.errors import ValidationError
from strata.ingest.timespan import (
    Grain,
    Tense,
    TimeSpan,
    date_at,
    day_span,
    day_start,
    month_span,
    part_span,
    pick,
    season_span,
    shift,
    week_span,
    weekend_span,
    year_span,
)

__all__ = [
    "Grain",
    "Tense",
    "TimeMention",
    "TimeSpan",
    "find_time_expressions",
    "parse_locomo_datetime",
    "resolve",
    "resolve_span",
]


class TimeMention(NamedTuple):
    start: int
    end: int
    text: str


# ---- vocabulary --------------------------------------------------------------------------------

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "a couple of": 2, "a couple": 2, "couple of": 2, "a few": 3, "few": 3,
    "several": 3,
}  # fmt: skip
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
    "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip

_NUM = (
    r"(?:\d{1,3}|a\s+couple\s+of|a\s+couple|couple\s+of|a\s+few|few|several|an?|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
)
_UNIT = r"(?:weekends?|weeks?|months?|years?|days?)"
# "May" only capitalised, so the modal verb never reads as a month.
_MONTH_FULL = (
    r"(?:january|february|march|april|(?-i:May)|june|july|august|september|october|november"
    r"|december)"
)
_MONTH = (
    r"(?:january|february|march|april|(?-i:May)|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PART = r"(?:morning|afternoon|evening|night)"
_SEASON = r"(?:summer|winter|spring|fall|autumn)"
_YEAR = r"(?:19|20)\d{2}"


def _number(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else _NUMBERS[text]


# ---- rules -------------------------------------------------------------------------------------

_Groups = dict[str, str | None]
_Handler = Callable[[_Groups, datetime | None, "Tense | None"], TimeSpan | None]


def _h_day_offset(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    if anchor is None:
        return None
    word = (g["rel"] or "").lower()
    offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}.get(word)
    if offset is None:
        offset = -2 if "before" in word else 2
    day = anchor + timedelta(days=offset)
    part = "night" if word == "tonight" else g.get("part")
    return part_span(day, part.lower()) if part else day_span(day)


def _h_last_night(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    return None if anchor is None else part_span(anchor - timedelta(days=1), "night")


def _h_this_part(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    return None if anchor is None else part_span(anchor, (g["part"] or "").lower())


def _h_ago(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    if anchor is None:
        return None
    return shift(anchor, -_number(g["num"] or ""), g["unit"] or "")


def _h_in(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    if anchor is None or tense == "past":
        return None  # in a past clause "in two weeks" is a duration ("done in two weeks")
    return shift(anchor, _number(g["num"] or ""), g["unit"] or "")


def _direction(which: str | None) -> int:
    w = " ".join((which or "").lower().split())
    if w in ("last", "past", "previous", "this past"):
        return -1
    return 1 if w in ("next", "coming") else 0


def _h_rel_unit(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    if anchor is None:
        return None
    n, unit = _direction(g["which"]), (g["unit"] or "").lower()
    if unit in ("week", "weekend"):
        d = anchor + timedelta(weeks=n)
        return week_span(d) if unit == "week" else weekend_span(d)
    return shift(anchor, n, unit)


def _h_the_weekend(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    if anchor is None:
        return None
    current = weekend_span(anchor)
    if tense == "past" and current.start > day_start(anchor):
        return weekend_span(anchor - timedelta(weeks=1))
    if tense == "future" and current.end <= day_start(anchor) + timedelta(days=1):
        return weekend_span(anchor + timedelta(weeks=1))
    return current


def _h_weekday(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    if anchor is None:
        return None
    wd, n = _WEEKDAYS[(g["wd"] or "").lower().rstrip(".")], _direction(g["which"])
    which = (g["which"] or "").lower()
    if which == "this":
        span = day_span(day_start(anchor) + timedelta(days=wd - anchor.weekday()))
    else:
        days = [day_span(day_start(anchor) + timedelta(days=k)) for k in range(-7, 8) if k]
        days = [d for d in days if d.start.weekday() == wd]
        span = pick(days, anchor, "past" if n < 0 else "future" if n > 0 else tense)
    part = g.get("part")
    return part_span(span.start, part.lower()) if part else span


def _h_season(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    season, year = (g["season"] or "").lower(), g.get("year")
    if year:
        return season_span(season, int(year), anchor.tzinfo if anchor else None)
    if anchor is None:
        return None
    if (g.get("which") or "").lower() == "this":
        y = anchor.year - 1 if season == "winter" and anchor.month < 3 else anchor.year
        return season_span(season, y, anchor.tzinfo)
    spans = [season_span(season, anchor.year + k, anchor.tzinfo) for k in (-2, -1, 0, 1)]
    if _direction(g.get("which")) > 0:
        return min((s for s in spans if s.start > anchor), key=lambda s: s.start)
    return max((s for s in spans if s.end <= day_start(anchor)), key=lambda s: s.start)


def _h_date(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    month = _MONTHS[(g["mon"] or "").lower().rstrip(".")]
    day, year = int(g["d"] or 0), g.get("year")
    tz = anchor.tzinfo if anchor else None
    try:
        if year:
            return day_span(date_at(int(year), month, day, tz))
        if anchor is None:
            return None
        spans = [day_span(date_at(anchor.year + k, month, day, tz)) for k in (-1, 0, 1)]
    except ValueError:  # 30 February and friends are not dates
        return None
    return pick(spans, anchor, tense)


def _h_iso(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    try:
        d = date_at(int(g["year"] or 0), int(g["m"] or 0), int(g["d"] or 0), None)
    except ValueError:
        return None
    return day_span(d.replace(tzinfo=anchor.tzinfo if anchor else None))


def _h_month(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    month, year = _MONTHS[(g["mon"] or "").lower().rstrip(".")], g.get("year")
    if year:
        return month_span(int(year), month, anchor.tzinfo if anchor else None)
    if anchor is None:
        return None
    spans = [month_span(anchor.year + k, month, anchor.tzinfo) for k in (-1, 0, 1)]
    which = (g.get("which") or "").lower()
    if which == "this":
        return spans[1]
    this_month = month_span(anchor.year, anchor.month, anchor.tzinfo)
    n = _direction(which)
    if n < 0 or (n == 0 and tense == "past"):
        return max((s for s in spans if s.start < this_month.start), key=lambda s: s.start)
    if n > 0 or tense == "future":
        return min((s for s in spans if s.start > this_month.start), key=lambda s: s.start)
    return pick(spans, this_month.start, None)


def _h_year(g: _Groups, anchor: datetime | None, tense: Tense | None) -> TimeSpan | None:
    return year_span(int(g["year"] or 0), anchor.tzinfo if anchor else None)


@dataclass(frozen=True)
class _Rule:
    pattern: str
    handler: _Handler


_ON = r"(?:on\s+)?(?:the\s+)?"
_ABOUT = r"(?:(?:about|around|roughly|almost|nearly|over|just|only)\s+)?"
_RULES: tuple[_Rule, ...] = (
    _Rule(r"(?:the\s+)?(?P<rel>day\s+before\s+yesterday|day\s+after\s+tomorrow)", _h_day_offset),
    _Rule(rf"(?P<rel>yesterday|today|tomorrow|tonight)(?:\s+(?P<part>{_PART}))?", _h_day_offset),
    _Rule(r"last\s+night", _h_last_night),
    _Rule(r"this\s+(?P<part>morning|afternoon|evening)", _h_this_part),
    _Rule(rf"{_ABOUT}(?P<num>{_NUM})\s+(?P<unit>{_UNIT})\s+ago", _h_ago),
    _Rule(rf"in\s+{_ABOUT}(?P<num>{_NUM})\s+(?P<unit>{_UNIT})", _h_in),
    _Rule(
        r"(?:(?:earlier|later)\s+)?(?:the\s+)?(?P<which>this\s+past|last|this|next|past|previous"
        r"|coming)\s+(?P<unit>weekend|week|month|year)",
        _h_rel_unit,
    ),
    _Rule(r"(?:over|on|at|during)\s+the\s+weekend", _h_the_weekend),
    _Rule(
        rf"(?:(?P<which>this\s+past|last|this|next|coming|past|on)\s+)?(?P<wd>{_WEEKDAY})(?!s)"
        rf"(?:\s+(?P<part>{_PART}))?",
        _h_weekday,
    ),
    _Rule(  # abbreviations only with a cue word: "last Fri", "on Tues."
        r"(?P<which>this\s+past|last|this|next|coming|on)\s+"
        r"(?P<wd>mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?(?=\W|$)",
        _h_weekday,
    ),
    _Rule(
        rf"(?:(?:in|during)\s+)?(?:the\s+)?(?P<season>{_SEASON})\s+(?:of\s+)?(?P<year>{_YEAR})",
        _h_season,
    ),
    _Rule(
        rf"(?:(?:in|during)\s+)?(?:the\s+)?(?P<which>this\s+past|last|this|next|past|coming)\s+"
        rf"(?P<season>{_SEASON})",
        _h_season,
    ),
    _Rule(r"(?P<year>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})", _h_iso),
    _Rule(
        rf"{_ON}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH})(?:(?:,\s*|\s+)(?P<year>{_YEAR})(?!\d))?",
        _h_date,
    ),
    _Rule(
        rf"{_ON}(?P<mon>{_MONTH})\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
        rf"(?:(?:,\s*|\s+)(?P<year>{_YEAR})(?!\d))?",
        _h_date,
    ),
    _Rule(
        rf"(?:(?:back\s+in|in|since|during|until|by|from)\s+)?(?:(?:early|late|mid)-?\s*)?"
        rf"(?P<mon>{_MONTH_FULL}),?\s+(?:of\s+)?(?P<year>{_YEAR})",
        _h_month,
    ),
    _Rule(
        rf"(?:(?P<which>last|this|next|back\s+in|in|since|during|until|by)\s+)"
        rf"(?:(?:early|late|mid)-?\s*)?(?P<mon>{_MONTH_FULL})",
        _h_month,
    ),
    _Rule(rf"(?:back\s+in|in|since|during|until|by|from)\s+(?P<year>{_YEAR})(?!\d)", _h_year),
)

_FLAGS = re.IGNORECASE
_COMPILED = tuple(re.compile(r.pattern, _FLAGS) for r in _RULES)
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_FINDER = re.compile(
    r"(?<!\w)(?:" + "|".join(_NAMED_GROUP.sub("(?:", r.pattern) for r in _RULES) + r")(?!\w)",
    _FLAGS,
)


# Every rule needs one of these words (or a digit, or "May"): checking them first is ~50x cheaper
# than the full pattern, and most messages have no time expression at all.
_TRIGGERS = (
    "yesterday", "today", "tomorrow", "night", "morning", "afternoon", "evening", "ago", "nday",
    "sday", "rday", "iday", "days", "week", "month", "year", "summer", "winter", "spring", "fall",
    "autumn", "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "last", "next", "fri", "tue", "wed", "thu", "sat", "sun",
)  # fmt: skip
_DIGIT = re.compile(r"\d")


def _may_contain_time(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in _TRIGGERS) or "May" in text or _DIGIT.search(text) is not None


def find_time_expressions(text: str) -> list[TimeMention]:
    """Every time expression in ``text``, leftmost first, non-overlapping, with char offsets."""
    if not _may_contain_time(text):
        return []
    return [TimeMention(m.start(), m.end(), m.group()) for m in _FINDER.finditer(text)]


def resolve_span(
    expr_text: str, anchor: datetime | None, tense: Tense | None = None
) -> TimeSpan | None:
    """The span an expression denotes, or ``None`` if it is unknown or needs a missing anchor."""
    text = " ".join(expr_text.split())
    for rule, compiled in zip(_RULES, _COMPILED, strict=True):
        m = compiled.fullmatch(text)
        if m:
            return rule.handler(m.groupdict(), anchor, tense)
    return None


def resolve(expr_text: str, anchor: datetime | None, tense: Tense | None = None) -> datetime | None:
    """The start of the span ``expr_text`` denotes relative to ``anchor`` (see module doc)."""
    span = resolve_span(expr_text, anchor, tense)
    return span.start if span else None


_LOCOMO = re.compile(
    rf"(?P<h>\d{{1,2}}):(?P<min>\d{{2}})\s*(?P<ampm>am|pm)\s+on\s+(?P<d>\d{{1,2}})\s+"
    rf"(?P<mon>{_MONTH}),?\s+(?P<year>\d{{4}})",
    re.IGNORECASE,
)


def parse_locomo_datetime(text: str) -> datetime:
    """Parse LoCoMo session stamps like ``"1:56 pm on 8 May, 2023"`` (naive local time).

    Falls back to dateutil for other layouts; raises ``ValidationError`` when nothing parses.
    """
    m = _LOCOMO.fullmatch(text.strip())
    if m:
        hour = int(m["h"]) % 12 + (12 if m["ampm"].lower() == "pm" else 0)
        month = _MONTHS[m["mon"].lower().rstrip(".")]
        try:
            return datetime(int(m["year"]), month, int(m["d"]), hour, int(m["min"]))
        except ValueError as e:
            raise ValidationError(str(e), where=f"session time {text!r}") from e
    try:
        return dateutil_parser.parse(text.replace(" on ", " "))
    except (ValueError, OverflowError) as e:
        raise ValidationError("not a date/time", where=f"session time {text!r}") from e
