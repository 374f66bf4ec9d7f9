"""Benchmark 4(b) of issue 20: numeric contradictions planted in real LoCoMo conversations.

Per conversation and speaker, three statements about the speaker's age are inserted as extra
messages into three different sessions (at those sessions' times), said in the speaker's voice,
and the whole conversation goes through the real extractor (no hand-made claims):

* ``pair``   — "I'm N" and later "I was born in Y" with Y at least two years off (a direct clash),
* ``cycle``  — "I'm N", "my sister <Name> is d years older than me", "<Name> just turned M" with M
  off by at least three years (no two statements clash; only the loop does not close),
* ``twin``   — the consistent version of ``cycle`` (must not be flagged).

The untouched conversations give the false-alarm rate. A planted case is found when a reported
numeric contradiction contains one of its statements; precision counts every numeric
contradiction reported on planted conversations. The pairwise baseline is the same check
without the relative claims (each pair of statements about one person compared on its own),
which is what a pairwise checker can do.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from strata.bench.sheaf_score import METHODS, conversations, new_tallies, summary, tally
from strata.ingest.extract.pipeline import Extractor
from strata.ingest.extraction import fact_text
from strata.ingest.models import InteractionIn, MessageIn, Predicate
from strata.ingest.turns import to_turns
from strata.query.contradictions import BIRTH, check_facts

KINDS = ("pair", "cycle", "twin")
NAMES = ("Nora", "Lena", "Iris", "Vera", "Maya", "Tessa", "Ruth", "Cleo")
Row = dict[str, Any]
# several wordings each, some of them harder than the extractor's examples
AGE = (
    "I'm {n} now.",
    "I am {n} years old, can you believe it.",
    "Well, I'm {n} and still learning!",
    "I just turned {n} last month.",
    "at {n} I finally feel settled.",
)
BORN = (
    "I was born in {y}.",
    "Fun fact: I was born in {y}, in a small town.",
    "My mom says I was born on a snowy day in {y}.",
)
GAP = (
    "My sister {name} is {d} years older than me.",
    "{name}, my sister, is {d} years older than me.",
    "I'm {d} years younger than my sister {name}.",
)
TURNED = ("{name} just turned {m}!", "My sister {name} is {m} now.", "{name} turned {m} last week.")


def plant(
    it: InteractionIn, speaker: str, kind: str, rng: random.Random
) -> tuple[InteractionIn, set[str]]:
    """A copy of ``it`` with three statements of ``speaker`` inserted; their message ids."""
    times = sorted({m.timestamp for m in it.messages if m.timestamp})
    picks = sorted(rng.sample(range(len(times)), 3)) if len(times) >= 3 else [0, 0, 0]
    at = [times[i] + timedelta(minutes=1) for i in picks] if times else [None] * 3
    age, gap, name = rng.randint(22, 60), rng.randint(2, 6), rng.choice(NAMES)
    first = at[0] or datetime(2023, 1, 1)
    said_age = rng.choice(AGE).format(n=age)
    if kind == "pair":
        year = first.year - age - rng.choice((3, 4, 5, -2, -3))
        texts = [said_age, "Honestly time flies.", rng.choice(BORN).format(y=year)]
    else:
        off = 0 if kind == "twin" else rng.choice((3, 4, -3, -5))
        later = (at[2] or first).year - first.year
        texts = [
            said_age,
            rng.choice(GAP).format(name=name, d=gap),
            rng.choice(TURNED).format(name=name, m=age + gap + later + off),
        ]
    extra = [
        MessageIn(id=f"planted-{kind}-{i}", speaker=speaker, text=t, timestamp=at[i])
        for i, t in enumerate(texts)
    ]
    return it.model_copy(update={"messages": [*it.messages, *extra]}), {m.id or "" for m in extra}


def facts_of(extractor: Extractor, items: list[InteractionIn]) -> list[Row]:
    """Fact rows (as ``query/facts_for_turns`` gives them) of every turn, via the extractor."""
    turns = [t for it in items for t in to_turns(it)]
    rows: list[Row] = []
    for turn, ex in zip(turns, extractor.extract_many(turns), strict=True):
        for i, f in enumerate(ex.facts):
            rows.append(
                {
                    "id": f"{turn.id}:{i}", "subject": f.subject.key,
                    "predicate": f.predicate.value,
                    "object": f.object, "polarity": f.polarity, "confidence": f.confidence,
                    "valid_from": turn.time, "valid_to": None, "evidence": [turn.source_id],
                    "stated_at": turn.time, "text": fact_text(f),
                }
            )  # fmt: skip
    return rows


def numeric_found(rows: list[Row], pairwise: bool) -> list[set[str]]:
    """Evidence message ids of each numeric contradiction (birth-time claims) reported."""
    if pairwise:
        rows = [r for r in rows if r["predicate"] != Predicate.OLDER_THAN.value]
    report = check_facts(rows)
    return [
        {e for s in c.sides for e in s.evidence}
        for c in report.contradictions
        if any(x.attribute == BIRTH for x in c.claims)
    ]


def run(path: Path, extractor: Extractor, seed: int = 0, rounds: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    convs = conversations(path)
    out: dict[str, Any] = {"conversations": len(convs), "seed": seed, "rounds": rounds}
    stats = new_tallies(KINDS)
    alarms = dict.fromkeys(METHODS, 0)
    for its in convs:
        clean = facts_of(extractor, its)
        for method in stats:
            alarms[method] += bool(numeric_found(clean, method == "pairwise"))
        speakers = sorted({m.speaker for it in its for m in it.messages})
        for speaker in [s for _ in range(rounds) for s in speakers]:
            for kind in KINDS:
                host = rng.randrange(len(its))
                planted, ids = plant(its[host], speaker, kind, rng)
                rows = facts_of(extractor, [*its[:host], planted, *its[host + 1 :]])
                for method, s in stats.items():
                    tally(s, kind, numeric_found(rows, method == "pairwise"), ids)
    for method, s in stats.items():
        out[method] = summary(s, alarms[method], twins=False)
    return out


def main(path: Path, seed: int = 0, rounds: int = 1) -> None:
    from strata.bench.sheaf_events import run as run_events

    extractor = Extractor()
    out = run(path, extractor, seed, rounds)
    out["events"] = run_events(path, extractor, seed, rounds)  # bench/sheaf_events.py
    print(json.dumps(out, indent=2))
