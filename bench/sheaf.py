"""Synthetic benchmark for :mod:`query.sheaf` against a pairwise embedding baseline.

:func:`generate` plants, per scene (one fresh subject each): agreeing restatements, categorical,
numeric and polarity conflicts, updates (a value changes between non-overlapping validity
windows — these must *not* be flagged), consistent and inconsistent cycles of relative dates
among events nobody dated, and relations that contradict stated dates. Ground truth names each
planted contradiction by the ids of every claim and relation in it, exactly the set a checker must
report (:attr:`query.sheaf.Contradiction.ids`).

The baseline is what SuperLocalMemory ships: embed each claim's text "subject attribute value"
(here a hashed bag of words), and flag any two claims of the same subject whose cosine distance
is above a threshold. It sees neither validity windows nor relations, so it flags updates and
unrelated attributes and cannot see cycles. It is scored at a fixed threshold and, to be fair to
it, at its best threshold on the very data it is scored on.

``python -m query.sheaf_synth [seed] [n]`` prints a markdown table (timings live only there).
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations, pairwise

import numpy as np
import numpy.typing as npt

from strata.query.sheaf import Claim, Relation, check, epoch_days

Key = frozenset[str]
Metrics = dict[str, float]

MULTI_VALUED = frozenset({"likes"})
CITIES = ("Paris", "Berlin", "Rome", "Lisbon", "Oslo", "Madrid", "Vienna", "Prague")
JOBS = ("nurse", "teacher", "pilot", "chef", "lawyer", "engineer")
DRINKS = ("coffee", "tea", "mate", "cocoa")
BASELINE_THRESHOLD = 0.2  # one differing word in a four-word claim is 0.25
_DIM = 512
_T0 = datetime(2015, 1, 1, tzinfo=UTC)


@dataclass
class Scene:
    """Claims and relations of one subject, with what a checker must and must not flag."""

    claims: list[Claim] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    conflicts: set[Key] = field(default_factory=set)
    cycles: set[Key] = field(default_factory=set)
    updates: set[Key] = field(default_factory=set)


@dataclass(frozen=True)
class SynthCase:
    """All scenes merged: the checker's input and the ground truth."""

    claims: tuple[Claim, ...]
    relations: tuple[Relation, ...]
    contradictions: frozenset[Key]  # conflicts and cycles: must be flagged
    cycles: frozenset[Key]
    updates: frozenset[Key]  # old/new pairs: must not be flagged


class _Writer:
    """Issues ids, turn ids and dates for one scene."""

    def __init__(self, rng: random.Random, scene_no: int) -> None:
        self.rng, self.prefix, self.count = rng, f"s{scene_no}", 0
        self.subject = f"person{scene_no}"
        self.scene = Scene()

    def when(self, lo_days: int = 0, hi_days: int = 3000) -> datetime:
        return _T0 + timedelta(days=self.rng.randint(lo_days, hi_days))

    def claim(
        self,
        attribute: str,
        value: str | float | None,
        *,
        subject: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        said: datetime | None = None,
        polarity: bool = True,
    ) -> Claim:
        self.count += 1
        cid, turn = f"{self.prefix}.c{self.count}", f"{self.prefix}.turn{self.count}"
        said = said or since or self.when()
        made = Claim(
            cid, subject or self.subject, attribute, value, since, until, (turn,), said, polarity
        )
        self.scene.claims.append(made)
        return made

    def relate(self, a: Claim, b: Claim, offset: float) -> Relation:
        self.count += 1
        rid, turn = f"{self.prefix}.r{self.count}", f"{self.prefix}.turn{self.count}"
        made = Relation(rid, a.id, b.id, offset, (turn,), self.when())
        self.scene.relations.append(made)
        return made

    def event(self, name: str) -> Claim:
        """An event whose date nobody stated."""
        return self.claim("date", None, subject=f"{self.prefix}.{name}", said=_T0)

    def dated(self, name: str, when: datetime) -> Claim:
        return self.claim("date", epoch_days(when), subject=f"{self.prefix}.{name}")


# ---- scenes ----------------------------------------------------------------------------------


def _agreeing(w: _Writer) -> None:
    """Restatements that agree, independent preferences, unrelated attributes: nothing to flag."""
    city, job = w.rng.choice(CITIES), w.rng.choice(JOBS)
    start = w.when()
    w.claim("lives_in", city, since=start)
    w.claim("lives_in", city.lower(), since=start + timedelta(days=w.rng.randint(1, 400)))
    w.claim("works_as", job, since=w.when())
    age = float(w.rng.randint(18, 90))
    said = w.when()
    w.claim("age", age, said=said)
    w.claim("age", age, said=said + timedelta(hours=3))
    for drink in w.rng.sample(DRINKS, 2):
        w.claim("likes", drink)


def _city_conflict(w: _Writer) -> None:
    """Two (sometimes three) cities with overlapping, open validity."""
    cities = w.rng.sample(CITIES, w.rng.choice((2, 2, 3)))
    said = [w.claim("lives_in", c, since=w.when()) for c in cities]
    w.scene.conflicts |= {frozenset((a.id, b.id)) for a, b in combinations(said, 2)}


def _age_conflict(w: _Writer) -> None:
    said = w.when()
    age = float(w.rng.randint(18, 80))
    a = w.claim("age", age, said=said)
    b = w.claim("age", age + w.rng.randint(1, 30), said=said)
    w.scene.conflicts.add(frozenset((a.id, b.id)))


def _polarity_conflict(w: _Writer) -> None:
    drink = w.rng.choice(DRINKS)
    a = w.claim("likes", drink, since=w.when(0, 1000))
    b = w.claim("likes", drink.upper(), since=w.when(1000, 2000), polarity=False)
    w.claim("likes", w.rng.choice([d for d in DRINKS if d != drink]))
    w.scene.conflicts.add(frozenset((a.id, b.id)))


def _updates(w: _Writer) -> None:
    """A chain of moves or job changes: each change is an update, none a conflict."""
    attribute, pool = w.rng.choice((("lives_in", CITIES), ("works_as", JOBS)))
    values = w.rng.sample(pool, w.rng.randint(2, 4))
    cuts = sorted(w.rng.sample(range(100, 3000), len(values) - 1))
    bounds = [None, *(_T0 + timedelta(days=d) for d in cuts), None]
    said = [
        w.claim(attribute, v, since=lo, until=hi)
        for v, (lo, hi) in zip(values, pairwise(bounds), strict=True)
    ]
    w.scene.updates |= {frozenset((a.id, b.id)) for a, b in pairwise(said)}


def _update_then_conflict(w: _Writer) -> None:
    """A move (update) followed by two overlapping claims about the new home (conflict)."""
    old, new, other = w.rng.sample(CITIES, 3)
    cut = w.when(500, 1500)
    a = w.claim("lives_in", old, since=cut - timedelta(days=700), until=cut)
    b = w.claim("lives_in", new, since=cut)
    c = w.claim("lives_in", other, since=cut + timedelta(days=w.rng.randint(30, 900)))
    w.scene.updates.add(frozenset((a.id, b.id)))
    w.scene.conflicts.add(frozenset((b.id, c.id)))


def _cycle(w: _Writer, consistent: bool) -> None:
    """Undated events in a loop of "N days after" relations; each pair alone is satisfiable."""
    events = [w.event(f"e{k}") for k in range(w.rng.randint(3, 6))]
    days = [0, *sorted(w.rng.sample(range(1, 60), len(events) - 1))]
    pairs = pairwise(zip(events, days, strict=True))
    rels = [w.relate(a, b, db - da) for (a, da), (b, db) in pairs]
    error = 0 if consistent else w.rng.choice((-1, 1)) * w.rng.randint(1, 9)
    rels.append(w.relate(events[0], events[-1], days[-1] + error))
    if not consistent:
        w.scene.cycles.add(frozenset([e.id for e in events] + [r.id for r in rels]))


def _good_cycle(w: _Writer) -> None:
    _cycle(w, consistent=True)


def _bad_cycle(w: _Writer) -> None:
    _cycle(w, consistent=False)


def _dated_relation(w: _Writer) -> None:
    """Two dated events and a relation between them; half the time the relation is wrong."""
    first = w.when()
    gap = w.rng.randint(1, 40)
    a, b = w.dated("party", first), w.dated("wedding", first + timedelta(days=gap))
    error = w.rng.choice((0, w.rng.randint(1, 5)))
    r = w.relate(a, b, gap + error)
    if error:
        w.scene.cycles.add(frozenset((a.id, b.id, r.id)))


SCENES: tuple[Callable[[_Writer], None], ...] = (
    _agreeing,
    _city_conflict,
    _age_conflict,
    _polarity_conflict,
    _updates,
    _update_then_conflict,
    _good_cycle,
    _bad_cycle,
    _dated_relation,
)


def generate(seed: int, n: int) -> SynthCase:
    """``n`` scenes, cycling through :data:`SCENES` in a seeded shuffled order."""
    rng = random.Random(seed)
    kinds = [SCENES[i % len(SCENES)] for i in range(n)]
    rng.shuffle(kinds)
    scenes = []
    for no, build in enumerate(kinds):
        writer = _Writer(rng, no)
        build(writer)
        scenes.append(writer.scene)
    cycles = frozenset(k for s in scenes for k in s.cycles)
    return SynthCase(
        claims=tuple(c for s in scenes for c in s.claims),
        relations=tuple(r for s in scenes for r in s.relations),
        contradictions=cycles | {k for s in scenes for k in s.conflicts},
        cycles=cycles,
        updates=frozenset(k for s in scenes for k in s.updates),
    )


# ---- baseline --------------------------------------------------------------------------------


def embed(text: str, dim: int = _DIM) -> npt.NDArray[np.float64]:
    """Hashed bag of words, unit length (the zero vector for text without words)."""
    vec = np.zeros(dim, dtype=np.float64)
    for token in re.findall(r"[a-z0-9]+", text.casefold()):
        h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
        vec[h % dim] += 1.0 if (h >> 63) & 1 else -1.0
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def _text(claim: Claim) -> str:
    value = "" if claim.value is None else str(claim.value)
    negation = "" if claim.polarity else "not "
    return f"{claim.subject} {claim.attribute.replace('_', ' ')} {negation}{value}"


def baseline_distances(claims: Sequence[Claim]) -> dict[Key, float]:
    """Cosine distance of every pair of claims about the same subject."""
    by_subject: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_subject[c.subject].append(c)
    out: dict[Key, float] = {}
    for group in by_subject.values():
        vecs = np.array([embed(_text(c)) for c in group])
        sims = vecs @ vecs.T
        for i, j in combinations(range(len(group)), 2):
            out[frozenset((group[i].id, group[j].id))] = 1.0 - float(sims[i, j])
    return out


def baseline(claims: Sequence[Claim], threshold: float = BASELINE_THRESHOLD) -> set[Key]:
    """Pairs of same-subject claims further apart than ``threshold`` (SuperLocalMemory style)."""
    return {k for k, d in baseline_distances(claims).items() if d > threshold}


# ---- scoring ---------------------------------------------------------------------------------


def score(flagged: Iterable[Key], case: SynthCase) -> Metrics:
    """Precision, recall and F1 on planted contradictions; cycle recall; updates flagged."""
    pred = set(flagged)
    hits = len(pred & case.contradictions)
    precision = hits / len(pred) if pred else 1.0
    recall = hits / len(case.contradictions) if case.contradictions else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    cycles = len(pred & case.cycles) / len(case.cycles) if case.cycles else 1.0
    updates = sum(any(u <= p for p in pred) for u in case.updates)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "cycle_recall": cycles,
        "updates_flagged": float(updates),
        "flagged": float(len(pred)),
    }


def sheaf_flags(case: SynthCase) -> set[Key]:
    report = check(case.claims, case.relations, multi_valued=MULTI_VALUED)
    return {c.ids for c in report.contradictions}


def run_benchmark(seed: int = 0, n: int = 200) -> dict[str, Metrics]:
    """Score the sheaf checker and the baseline (fixed and best threshold) on one generated case."""
    case = generate(seed, n)
    distances = baseline_distances(case.claims)
    fixed = score({k for k, d in distances.items() if d > BASELINE_THRESHOLD}, case)
    best = max(
        (
            score({k for k, d in distances.items() if d > t}, case) | {"threshold": t}
            for t in _grid()
        ),
        key=lambda m: m["f1"],
    )
    data = {
        "claims": float(len(case.claims)),
        "relations": float(len(case.relations)),
        "planted": float(len(case.contradictions)),
        "planted_cycles": float(len(case.cycles)),
        "planted_updates": float(len(case.updates)),
    }
    return {
        "sheaf": score(sheaf_flags(case), case),
        "baseline": fixed,
        "baseline_best": best,
        "data": data,
    }


def _grid() -> list[float]:
    return [round(0.05 * k, 2) for k in range(1, 20)]


def _table(results: dict[str, Metrics], millis: float) -> str:
    rows = [
        "| method | precision | recall | F1 | cycle recall | updates flagged | flagged |",
        "|---|---|---|---|---|---|---|",
    ]
    best = results["baseline_best"]
    names = {
        "sheaf": "sheaf (coboundary + LSQR)",
        "baseline": f"pairwise embedding, threshold {BASELINE_THRESHOLD}",
        "baseline_best": f"pairwise embedding, best threshold {best.get('threshold', 0):g}",
    }
    for key, name in names.items():
        m = results[key]
        rows.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['cycle_recall']:.3f} | {m['updates_flagged']:.0f} | {m['flagged']:.0f} |"
        )
    d = results["data"]
    rows.append("")
    rows.append(
        f"{d['claims']:.0f} claims, {d['relations']:.0f} relations; planted {d['planted']:.0f} "
        f"contradictions ({d['planted_cycles']:.0f} cycles) and "
        f"{d['planted_updates']:.0f} updates; one sheaf check took {millis:.1f} ms."
    )
    return "\n".join(rows)


def main(argv: Sequence[str] = ()) -> None:
    seed = int(argv[0]) if argv else 0
    n = int(argv[1]) if len(argv) > 1 else 200
    results = run_benchmark(seed, n)
    case = generate(seed, n)
    start = time.perf_counter()
    sheaf_flags(case)
    print(_table(results, 1000 * (time.perf_counter() - start)))


if __name__ == "__main__":
    main(sys.argv[1:])
