"""The public models of the sheaf check: claims, relations and what the check reports.

Plain frozen dataclasses and the text helpers they share with the rest of the package; no solver
logic here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

Kind = Literal["conflict", "cycle"]
Hint = Literal["newer claim wins", "ask the user"]
NEWER_WINS: Hint = "newer claim wins"
ASK_USER: Hint = "ask the user"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Claim:
    """One assertion: ``subject attribute value`` held over ``[valid_from, valid_to)``.

    ``value`` is a ``str`` for categorical attributes, a number for numeric ones (dates as
    :func:`epoch_days`), or ``None`` for an unknown only relations constrain.
    """

    id: str
    subject: str
    attribute: str
    value: str | float | None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    evidence: tuple[str, ...] = ()
    stated_at: datetime | None = None
    polarity: bool = True

    @property
    def text(self) -> str:
        """Human-readable form, e.g. ``alice likes not coffee``."""
        value = "?" if self.value is None else _fmt(self.value)
        return f"{self.subject} {self.attribute} {'' if self.polarity else 'not '}{value}"


@dataclass(frozen=True)
class Relation:
    """A relative claim between two numeric claims: ``value(b) - value(a) = offset``."""

    id: str
    a: str
    b: str
    offset: float
    evidence: tuple[str, ...] = ()
    stated_at: datetime | None = None

    @property
    def text(self) -> str:
        return f"{self.b} - {self.a} = {_fmt(self.offset)}"


@dataclass(frozen=True)
class Side:
    """One side of a contradiction: what was said, where (turn ids) and when."""

    id: str
    text: str
    evidence: tuple[str, ...]
    stated_at: datetime | None
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    @classmethod
    def of(cls, item: Claim | Relation) -> Side:
        if isinstance(item, Relation):
            return cls(item.id, item.text, item.evidence, item.stated_at)
        return cls(
            item.id, item.text, item.evidence, item.stated_at, item.valid_from, item.valid_to
        )


@dataclass(frozen=True)
class Contradiction:
    """Claims (and relations) no single assignment of values can satisfy together.

    ``conflict``: overlapping claims assert two different values; ``claims`` holds every claim
    of either value that clashes (restatements included), oldest first when times are known.
    ``cycle``: a loop of relations, observations and unknowns that does not close. ``gap`` is by
    how much (in the attribute's units; 1 for a categorical clash), ``severity`` maps it into
    [0, 1], ``residual`` is the least-squares residual its edges carry and ``blame`` that share
    relative to the most blamed edge of its component. ``winner`` names the newest claim when the
    hint is "newer claim wins".
    """

    kind: Kind
    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...]
    sides: tuple[Side, ...]
    gap: float
    severity: float
    residual: float
    blame: float
    hint: Hint
    winner: str | None = None

    @property
    def ids(self) -> frozenset[str]:
        """Every claim and relation id involved."""
        return frozenset(s.id for s in self.sides)

    @property
    def evidence(self) -> tuple[tuple[str, ...], ...]:
        """Evidence turn ids, one tuple per side."""
        return tuple(s.evidence for s in self.sides)


@dataclass(frozen=True)
class Supersession:
    """``new`` replaced ``old``: same subject and attribute, later and non-overlapping."""

    old: Claim
    new: Claim


@dataclass(frozen=True)
class SheafReport:
    """Everything :func:`check` found; ``obstruction`` is ‖c − δx*‖ over all components."""

    contradictions: tuple[Contradiction, ...]
    supersessions: tuple[Supersession, ...]
    obstruction: float

    @property
    def consistent(self) -> bool:
        return not self.contradictions


def readable(
    c: Contradiction, said: Mapping[str, str], implied: Callable[[Claim], str]
) -> Contradiction:
    """Sides read as what was said, each numeric claim followed by what it implies
    (``implied``, e.g. "born ≈ 1991.5"); unknowns (values only relations pin down) left out."""
    by_id = {x.id: x for x in c.claims}
    sides = []
    for side in c.sides:
        claim = by_id.get(side.id)
        if claim is not None and claim.value is None:
            continue
        text = said.get(side.id) or side.text
        if claim is not None and isinstance(claim.value, float):
            text = f"{text} ({implied(claim)})"
        sides.append(replace(side, text=text))
    return replace(c, sides=tuple(sides))


def epoch_days(when: datetime) -> float:
    """A datetime as days since 1970-01-01 UTC (naive datetimes are taken as UTC)."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return (aware - _EPOCH).total_seconds() / 86_400.0


def norm(text: str) -> str:
    """Text up to spacing and case: how subjects, attributes and values are compared."""
    return " ".join(text.split()).casefold()


def _fmt(value: str | float) -> str:
    return value if isinstance(value, str) else f"{value:g}"
