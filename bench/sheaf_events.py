"""Event-relation contradictions planted in real LoCoMo conversations (issue 20, 4(b)).

Like bench/sheaf_planted.py for ages: per conversation, speaker and round, three statements in the
speaker's voice are appended to three different sessions (in time order, at those sessions'
times), and the whole conversation goes through the real extractor (ingest/extract/relations.py).
The wedding is a day 10-23 months before the first statement, the move k = 2-6 months after it
(said as a month):

* ``pair``  — "we got married on <day>" and later "we got married in <year>", the year two to five
  years earlier (a direct clash),
* ``cycle`` — the wedding day, the move month and "we moved n months after/before the wedding"
  with n three or more months off, or "before" (no two statements clash; the loop does not close),
* ``twin``  — the consistent version of ``cycle`` (must not be flagged).

A planted case is found when a reported event contradiction holds one of its statements. The
pairwise baseline is the same check without the relative claims (EVENT_OFFSET facts).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from strata.bench.sheaf_planted import Row, facts_of
from strata.bench.sheaf_score import METHODS, conversations, new_tallies, summary, tally
from strata.ingest.extract.pipeline import Extractor
from strata.ingest.models import InteractionIn, MessageIn, Predicate
from strata.query.contradictions import START, check_facts
from strata.query.event_sheaf import DATE_OF

KINDS = ("pair", "cycle", "twin")
WEDDING = (
    "We got married on {d}.",
    "Our wedding was on {d}, best day of my life.",
    "We finally got married on {d}!",
)
YEAR = ("We got married in {y}.", "Our wedding was in {y}, I remember it well.")
MOVE = ("We moved in {m}.", "We moved to the new place in {m}.", "Our move was in {m}.")
RELATION = (
    "We moved here {n} months {dir} the wedding.",
    "{N} months {dir} we got married, we moved.",
    "The move was {n} months {dir} the wedding.",
    "We moved {n} months {dir} our wedding, it was hectic.",
    "We'd been married {n} months when we moved here.",  # not read: a duration, no "after"
)
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _statements(kind: str, first: datetime, rng: random.Random) -> list[str]:
    wedding = first - timedelta(days=rng.randint(300, 700))
    day = f"{wedding:%B} {wedding.day}, {wedding.year}"
    if kind == "pair":
        year = wedding.year - rng.choice((2, 3, 4, 5))  # in the past, as said
        return [rng.choice(WEDDING).format(d=day), "Time flies.", rng.choice(YEAR).format(y=year)]
    k = rng.randint(2, 6)
    move = wedding + relativedelta(months=k)
    n, direction = k, "after"
    if kind == "cycle":
        n, direction = rng.choice(((k + 3, "after"), (k + 4, "after"), (k, "before")))
    said = rng.choice(RELATION)
    word = _WORDS[n] if n < len(_WORDS) else str(n)
    return [
        rng.choice(WEDDING).format(d=day),
        rng.choice(MOVE).format(m=f"{move:%B %Y}"),
        said.format(n=word, N=word.capitalize(), dir=direction),
    ]


def plant(
    its: list[InteractionIn], speaker: str, kind: str, rng: random.Random
) -> tuple[list[InteractionIn], set[str]]:
    """Copies of ``its`` with three statements of ``speaker``, one at the end of each of three
    sessions (in time order, at the session's time); their message ids."""
    hosts = sorted(rng.sample(range(len(its)), 3), key=lambda i: (its[i].started_at is None, i))
    first = its[hosts[0]].started_at or datetime(2023, 1, 1)
    texts = _statements(kind, first, rng)
    out, ids = list(its), set()
    for n, (host, text) in enumerate(zip(hosts, texts, strict=True)):
        at = its[host].started_at
        m = MessageIn(id=f"planted-event-{kind}-{n}", speaker=speaker, text=text, timestamp=at)
        out[host] = its[host].model_copy(update={"messages": [*its[host].messages, m]})
        ids.add(m.id or "")
    return out, ids


def event_found(rows: list[Row], pairwise: bool) -> list[set[str]]:
    """Evidence message ids of each event contradiction reported (event dates, or start dates
    when "got married on <day>" told twice is reported once, as a start date)."""
    if pairwise:
        rows = [r for r in rows if r["predicate"] != Predicate.EVENT_OFFSET.value]
    return [
        {e for s in c.sides for e in s.evidence}
        for c in check_facts(rows).contradictions
        if any(x.attribute.startswith((DATE_OF, START)) for x in c.claims)
    ]


def run(path: Path, extractor: Extractor, seed: int = 0, rounds: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    stats = new_tallies(KINDS)
    alarms, clean_facts = dict.fromkeys(METHODS, 0), 0
    for its in conversations(path):
        clean = facts_of(extractor, its)
        clean_facts += sum(r["predicate"].startswith("event_") for r in clean)
        for method in stats:
            alarms[method] += bool(event_found(clean, method == "pairwise"))
        speakers = sorted({m.speaker for it in its for m in it.messages})
        for speaker in [s for _ in range(rounds) for s in speakers]:
            for kind in KINDS:
                planted, ids = plant(its, speaker, kind, rng)
                rows = facts_of(extractor, planted)
                for method, s in stats.items():
                    tally(s, kind, event_found(rows, method == "pairwise"), ids)
    out: dict[str, Any] = {"event_facts_in_untouched_conversations": clean_facts}
    for method, s in stats.items():
        out[method] = summary(s, alarms[method], twins=True)
    return out
