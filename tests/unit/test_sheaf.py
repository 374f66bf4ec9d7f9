"""Sheaf contradiction checks: what a user would see about their facts."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from strata.graph.errors import ValidationError
from strata.query.sheaf import (
    ASK_USER,
    NEWER_WINS,
    Claim,
    Relation,
    SheafReport,
    check,
    epoch_days,
)


def day(year: int, month: int = 1, dom: int = 1) -> datetime:
    return datetime(year, month, dom, tzinfo=UTC)


def lives(cid: str, city: str, start: int, end: int | None = None, turn: str = "") -> Claim:
    return Claim(
        cid,
        "alice",
        "lives_in",
        city,
        valid_from=day(start),
        valid_to=day(end) if end else None,
        evidence=(turn or f"turn-{cid}",),
        stated_at=day(start),
    )


def event(cid: str) -> Claim:
    """An event whose date nobody stated: only relations constrain it."""
    return Claim(cid, cid, "date", None)


def triangle(a_to_c: float) -> SheafReport:
    rels = [Relation("r_ab", "A", "B", 2.0), Relation("r_bc", "B", "C", 3.0)]
    rels.append(Relation("r_ac", "A", "C", a_to_c, evidence=("t9",)))
    return check([event("A"), event("B"), event("C")], rels)


# ---- (a) overlapping conflicts ----------------------------------------------------------------


def test_overlapping_different_cities_conflict() -> None:
    report = check([lives("p", "Paris", 2020), lives("b", "Berlin", 2021)])
    (found,) = report.contradictions
    assert found.kind == "conflict"
    assert {c.id for c in found.claims} == {"p", "b"}
    assert report.obstruction > 0
    assert report.supersessions == ()


def test_polarity_conflict() -> None:
    likes = Claim("l", "bob", "likes", "coffee", evidence=("t1",))
    hates = Claim("h", "bob", "likes", "Coffee", evidence=("t2",), polarity=False)
    tea = Claim("t", "bob", "likes", "tea", evidence=("t3",))
    report = check([likes, hates, tea], multi_valued={"likes"})
    (found,) = report.contradictions
    assert found.ids == {"l", "h"}
    assert found.severity == 1.0


def test_negation_of_another_value_is_consistent() -> None:
    not_rome = Claim("n", "alice", "lives_in", "Rome", polarity=False)
    assert check([lives("p", "Paris", 2020), not_rome]).consistent


def test_multi_valued_values_do_not_conflict_but_single_valued_do() -> None:
    coffee, tea = Claim("c", "bob", "likes", "coffee"), Claim("t", "bob", "likes", "tea")
    assert check([coffee, tea], multi_valued={"likes"}).consistent
    assert not check([coffee, tea]).consistent


def test_numeric_conflict_severity_grows_with_gap() -> None:
    said = day(2024, 5, 1)

    def age(cid: str, years: float) -> Claim:
        return Claim(cid, "carol", "age", years, evidence=(f"t-{cid}",), stated_at=said)

    small = check([age("a", 32), age("b", 33)]).contradictions[0]
    mid = check([age("a", 32), age("b", 35)]).contradictions[0]
    large = check([age("a", 32), age("b", 60)]).contradictions[0]
    assert mid.gap == pytest.approx(3.0)
    assert 0 < small.severity < mid.severity < large.severity <= 1
    assert mid.hint == ASK_USER  # stated the same day: nobody is newer


def test_agreeing_claims_are_consistent() -> None:
    claims = [
        lives("p1", "Paris", 2020),
        lives("p2", "paris ", 2021),
        Claim("a1", "alice", "age", 40.0),
        Claim("a2", "alice", "age", 40),
    ]
    report = check(claims)
    assert report.consistent
    assert report.obstruction == pytest.approx(0.0, abs=1e-9)


def test_scale_makes_small_gaps_mild() -> None:
    a = Claim("a", "trip", "date", epoch_days(day(2024, 3, 1)))
    b = Claim("b", "trip", "date", epoch_days(day(2024, 3, 3)))
    plain = check([a, b]).contradictions[0].severity
    weekly = check([a, b], scales={"date": 7.0}).contradictions[0].severity
    assert weekly < plain


# ---- (b) updates ------------------------------------------------------------------------------


def test_non_overlapping_change_is_an_update_not_a_conflict() -> None:
    old, new = lives("p", "Paris", 2019, 2021), lives("b", "Berlin", 2021)
    report = check([new, old])
    assert report.consistent
    ((sup),) = report.supersessions
    assert (sup.old.id, sup.new.id) == ("p", "b")


def test_only_the_next_claim_supersedes() -> None:
    claims = [lives("p", "Paris", 2015, 2017), lives("r", "Rome", 2017, 2019)]
    claims.append(lives("b", "Berlin", 2019))
    pairs = {(s.old.id, s.new.id) for s in check(claims).supersessions}
    assert pairs == {("p", "r"), ("r", "b")}


def test_multi_valued_updates_only_supersede_the_same_value() -> None:
    def likes(cid: str, drink: str, start: int, end: int | None, polarity: bool = True) -> Claim:
        until = day(end) if end else None
        return Claim(cid, "bob", "likes", drink, day(start), until, polarity=polarity)

    claims = [likes("c", "coffee", 2018, 2020), likes("t", "tea", 2020, None)]
    claims.append(likes("n", "coffee", 2020, None, polarity=False))
    report = check(claims, multi_valued={"likes"})
    assert report.consistent
    assert [(s.old.id, s.new.id) for s in report.supersessions] == [("c", "n")]


# ---- (c) cycles -------------------------------------------------------------------------------


def test_inconsistent_cycle_is_caught() -> None:
    report = triangle(1.0)
    (found,) = report.contradictions
    assert found.kind == "cycle"
    assert {r.id for r in found.relations} == {"r_ab", "r_bc", "r_ac"}
    assert {c.id for c in found.claims} == {"A", "B", "C"}
    assert found.gap == pytest.approx(4.0)
    assert found.hint == ASK_USER


def test_consistent_cycle_is_not_flagged() -> None:
    report = triangle(5.0)
    assert report.consistent
    assert report.obstruction == pytest.approx(0.0, abs=1e-9)


def test_every_pair_of_the_bad_cycle_is_satisfiable() -> None:
    rels = [Relation("r_ab", "A", "B", 2.0), Relation("r_bc", "B", "C", 3.0)]
    rels.append(Relation("r_ac", "A", "C", 1.0))
    claims = [event("A"), event("B"), event("C")]
    for i in range(3):
        assert check(claims, rels[:i] + rels[i + 1 :]).consistent


def test_relation_against_stated_dates_is_a_cycle_through_the_data() -> None:
    start = Claim("s", "party", "date", epoch_days(day(2024, 6, 1)), evidence=("t1",))
    end = Claim("e", "wedding", "date", epoch_days(day(2024, 6, 10)), evidence=("t2",))
    (found,) = check([start, end], [Relation("r", "s", "e", 2.0, evidence=("t3",))]).contradictions
    assert found.kind == "cycle"
    assert found.ids == {"s", "e", "r"}
    assert found.gap == pytest.approx(7.0)


def test_unrelated_facts_do_not_interact() -> None:
    bad = triangle(1.0).contradictions
    report = check(
        [event("A"), event("B"), event("C"), lives("p", "Paris", 2020), lives("q", "Paris", 2022)],
        bad[0].relations,
    )
    assert [c.ids for c in report.contradictions] == [bad[0].ids]


def test_random_consistent_timelines_pass_and_one_wrong_relation_is_found() -> None:
    rng = random.Random(7)
    truth = {f"e{k}": float(rng.randint(0, 500)) for k in range(12)}
    claims = [event(k) for k in truth]
    claims += [Claim(f"d{k}", k, "date", truth[k]) for k in list(truth)[:3]]
    pairs = [tuple(rng.sample(sorted(truth), 2)) for _ in range(30)]
    rels = [Relation(f"r{n}", a, b, truth[b] - truth[a]) for n, (a, b) in enumerate(pairs)]
    assert check(claims, rels).consistent
    bad = Relation("r0", rels[0].a, rels[0].b, rels[0].offset + 3.0)
    report = check(claims, [bad, *rels[1:]])
    assert report.contradictions
    assert all("r0" in c.ids and c.gap == pytest.approx(3.0) for c in report.contradictions)


# ---- (d) what the user is shown ---------------------------------------------------------------


def test_report_shows_both_sides_with_evidence_times_and_hint() -> None:
    report = check([lives("b", "Berlin", 2021, turn="t7"), lives("p", "Paris", 2020, turn="t3")])
    (found,) = report.contradictions
    old, new = found.sides
    assert (old.id, old.evidence, old.stated_at, old.valid_from) == (
        "p",
        ("t3",),
        day(2020),
        day(2020),
    )
    assert (new.id, new.evidence, new.stated_at) == ("b", ("t7",), day(2021))
    assert found.evidence == (("t3",), ("t7",))
    assert 0 < found.severity <= 1 and 0 < found.blame <= 1 and found.residual > 0
    assert (found.hint, found.winner) == (NEWER_WINS, "b")


def test_cycle_sides_carry_relation_evidence() -> None:
    (found,) = triangle(1.0).contradictions
    assert ("t9",) in found.evidence
    assert 0 < found.severity < 1


def test_restatements_against_one_outlier_make_one_conflict() -> None:
    claims = [
        Claim(f"a{i}", "dave", "age", 30.0, evidence=(f"t{i}",), stated_at=day(2020 + i))
        for i in range(3)
    ]
    claims.append(Claim("odd", "dave", "age", 50.0, evidence=("t9",), stated_at=day(2019)))
    (found,) = check(claims).contradictions
    assert found.ids == {"a0", "a1", "a2", "odd"}
    assert found.evidence == (("t9",), ("t0",), ("t1",), ("t2",))  # oldest first
    assert (found.hint, found.winner) == (NEWER_WINS, "a2")
    assert found.gap == pytest.approx(20.0)


def test_negated_number_conflicts_with_the_same_number() -> None:
    report = check(
        [Claim("a", "erin", "age", 32.0), Claim("n", "erin", "age", 32.0, polarity=False)]
    )
    assert [c.ids for c in report.contradictions] == [frozenset({"a", "n"})]
    assert check(
        [Claim("a", "erin", "age", 33.0), Claim("n", "erin", "age", 32.0, polarity=False)]
    ).consistent


def test_input_order_does_not_change_the_result() -> None:
    claims = [lives("p", "Paris", 2020), lives("b", "Berlin", 2021), lives("r", "Rome", 2022)]
    forward, backward = check(claims), check(claims[::-1])
    assert forward == backward
    assert len(forward.contradictions) == 3


# ---- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "relations"),
    [
        ([Claim("x", "s", "a", 1.0), Claim("x", "s", "a", 2.0)], []),
        ([Claim("x", "s", "a", 1.0)], [Relation("r", "x", "missing", 1.0)]),
        ([Claim("x", "s", "a", "text"), Claim("y", "s", "a", 2.0)], []),
        ([Claim("x", "s", "a", "t"), Claim("y", "s", "b", "u")], [Relation("r", "x", "y", 1.0)]),
        ([Claim("x", "s", "a", float("nan"))], []),
        ([Claim("x", "s", "a", "  ")], []),
        (
            [Claim("x", "s", "a", 1.0), Claim("y", "s", "b", 2.0)],
            [Relation("r", "x", "y", 1.0), Relation("r", "y", "x", 1.0)],
        ),
        ([Claim("x", "s", "a", 1.0, valid_from=day(2022), valid_to=day(2021))], []),
        (
            [
                Claim("x", "s", "a", 1.0, stated_at=day(2022)),
                Claim("y", "s", "a", 1.0, stated_at=datetime(2022, 1, 1)),
            ],
            [],
        ),
    ],
)
def test_bad_input_is_a_validation_error(claims: list[Claim], relations: list[Relation]) -> None:
    with pytest.raises(ValidationError):
        check(claims, relations)
