"""Calendar spans: the half-open ``[start, end)`` intervals time expressions resolve to.

Pure date arithmetic with no English in it (the phrases live in ``timeparse.py``): a day, a part
of a day, an ISO week or its weekend, a month, a meteorological season (northern hemisphere) or a
year around a datetime, the span ``n`` units away, and the pick among repeats of an
underspecified expression. Every span keeps the ``tzinfo`` of the datetime it was built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Literal

from dateutil.relativedelta import relativedelta

Tense = Literal["past", "future"]


class Grain(StrEnum):
    PART_OF_DAY = "part_of_day"
    DAY = "day"
    WEEK = "week"
    WEEKEND = "weekend"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"


@dataclass(frozen=True)
class TimeSpan:
    """A resolved time expression: ``[start, end)`` at a grain."""

    start: datetime
    end: datetime
    grain: Grain

    @property
    def key(self) -> str:
        """A stable label for the span, e.g. ``2023-05-19``, ``2023-W19``, ``2023-06``, ``2019``."""
        s = self.start
        if self.grain in (Grain.DAY, Grain.PART_OF_DAY):
            return s.strftime("%Y-%m-%d")
        if self.grain is Grain.WEEK:
            return s.strftime("%G-W%V")
        if self.grain is Grain.WEEKEND:
            return s.strftime("%G-W%V-weekend")
        if self.grain is Grain.MONTH:
            return s.strftime("%Y-%m")
        if self.grain is Grain.SEASON:
            return f"{s.year}-{_SEASON_OF_MONTH[s.month]}"
        return s.strftime("%Y")


_PART_HOURS = {"morning": (6, 6), "afternoon": (12, 5), "evening": (17, 4), "night": (21, 9)}
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_SEASON_OF_MONTH = {3: "spring", 6: "summer", 9: "fall", 12: "winter"}


def day_start(d: datetime) -> datetime:
    return d.replace(hour=0, minute=0, second=0, microsecond=0)


def date_at(year: int, month: int, day: int, tz: tzinfo | None) -> datetime:
    return datetime(year, month, day, tzinfo=tz)


def day_span(d: datetime) -> TimeSpan:
    start = day_start(d)
    return TimeSpan(start, start + timedelta(days=1), Grain.DAY)


def part_span(d: datetime, part: str) -> TimeSpan:
    hour, length = _PART_HOURS[part]
    start = day_start(d).replace(hour=hour)
    return TimeSpan(start, start + timedelta(hours=length), Grain.PART_OF_DAY)


def week_span(d: datetime) -> TimeSpan:
    start = day_start(d) - timedelta(days=d.weekday())
    return TimeSpan(start, start + timedelta(days=7), Grain.WEEK)


def weekend_span(d: datetime) -> TimeSpan:
    start = day_start(d) + timedelta(days=5 - d.weekday())
    return TimeSpan(start, start + timedelta(days=2), Grain.WEEKEND)


def month_span(year: int, month: int, tz: tzinfo | None) -> TimeSpan:
    start = date_at(year, month, 1, tz)
    return TimeSpan(start, start + relativedelta(months=1), Grain.MONTH)


def year_span(year: int, tz: tzinfo | None) -> TimeSpan:
    return TimeSpan(date_at(year, 1, 1, tz), date_at(year + 1, 1, 1, tz), Grain.YEAR)


def season_span(season: str, year: int, tz: tzinfo | None) -> TimeSpan:
    start = date_at(year, _SEASON_START[season], 1, tz)
    return TimeSpan(start, start + relativedelta(months=3), Grain.SEASON)


def pick(candidates: list[TimeSpan], anchor: datetime, tense: Tense | None) -> TimeSpan:
    """Choose among yearly/weekly repeats of an underspecified expression (see module doc)."""
    day = day_start(anchor)
    if tense == "past":
        return max((c for c in candidates if c.start < day), key=lambda c: c.start)
    if tense == "future":
        return min((c for c in candidates if c.start > day), key=lambda c: c.start)
    return min(candidates, key=lambda c: (abs((c.start - day).total_seconds()), c.start))


def shift(anchor: datetime, n: int, unit: str) -> TimeSpan:
    """The span ``n`` units away from the anchor (negative is the past)."""
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return day_span(anchor + timedelta(days=n))
    if unit == "week":
        return day_span(anchor + timedelta(weeks=n))
    if unit == "weekend":
        return weekend_span(anchor + timedelta(weeks=n))
    if unit == "month":
        d = anchor + relativedelta(months=n)
        return month_span(d.year, d.month, anchor.tzinfo)
    return year_span(anchor.year + n, anchor.tzinfo)
