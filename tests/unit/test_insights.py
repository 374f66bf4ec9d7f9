"""Insight support scores, retirement, near-duplicate merging and persona traits."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from strata.graph.errors import ValidationError
from strata.ingest.insights import (
    InsightState,
    PersonaFact,
    absorb,
    apply_evidence,
    merge_near_duplicates,
    persona_insights,
)
from strata.ingest.models import EntityKind, EntityRef, FactOut, Predicate

# ---- support scores ---------------------------------------------------------------------------


def test_agreeing_evidence_raises_and_contradicting_lowers_support() -> None:
    state = InsightState("i1", "Caroline likes painting")
    up = apply_evidence(state, True, ref="f1")
    assert up.support == 2.0
    down = apply_evidence(up, False, weight=0.5, ref="f2")
    assert down.support == 1.5
    assert not down.retired
    assert [e.ref for e in down.history] == ["f1", "f2"]
    assert state.support == 1.0  # the input state is untouched


def test_support_at_or_below_zero_retires_but_keeps_history() -> None:
    state = InsightState("i1", "Caroline likes painting")
    state = apply_evidence(state, False, ref="f1")
    assert state.retired
    assert state.support == 0.0
    assert state.text == "Caroline likes painting"
    assert len(state.history) == 1


def test_retired_insight_revives_on_enough_agreeing_evidence() -> None:
    state = InsightState("i1", "Mel drinks coffee")
    for ref in ("no1", "no2"):
        state = apply_evidence(state, False, ref=ref)
    assert state.retired and state.support == -1.0
    state = apply_evidence(state, True, ref="yes1")
    assert state.retired  # back to 0: still retired
    state = apply_evidence(state, True, ref="yes2")
    assert not state.retired
    assert [e.agree for e in state.history] == [False, False, True, True]


def test_same_evidence_counts_once() -> None:
    state = apply_evidence(InsightState("i1", "x"), True, ref="f1")
    assert apply_evidence(state, True, ref="f1") == state
    assert apply_evidence(state, False, ref="f1") == state  # a retry, not new evidence
    assert apply_evidence(state, True).support == 3.0  # no ref: always counted


@pytest.mark.parametrize("weight", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_weight_is_rejected(weight: float) -> None:
    with pytest.raises(ValidationError):
        apply_evidence(InsightState("i1", "x"), True, weight)


def test_absorb_adds_only_new_evidence() -> None:
    keep = apply_evidence(InsightState("a", "likes tea"), True, ref="f1")
    dup = apply_evidence(
        apply_evidence(InsightState("b", "enjoys tea"), True, ref="f1"), False, ref="f9"
    )
    merged = absorb(keep, dup)
    assert [e.ref for e in merged.history] == ["f1", "f9"]
    assert merged.support == 1.0  # 1 start + f1 − f9; f1 not counted twice, dup's start dropped


# ---- near-duplicate merging -------------------------------------------------------------------


def _state(id: str, support: float = 1.0) -> InsightState:
    return InsightState(id, id, support=support, retired=support <= 0)


def test_near_duplicates_merge_into_the_best_supported() -> None:
    insights = [_state("weak", 1.0), _state("strong", 3.0), _state("other", 5.0)]
    emb = np.array([[1.0, 0.02, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert merge_near_duplicates(insights, emb) == [("strong", ["weak"])]


def test_active_insight_is_kept_over_a_retired_duplicate() -> None:
    insights = [_state("retired", -2.0), _state("active", 0.5)]
    emb = np.array([[1.0, 0.0], [0.99, 0.01]])
    assert merge_near_duplicates(insights, emb) == [("active", ["retired"])]


def test_merging_is_not_transitive() -> None:
    # b sits between a and c: a≈b and b≈c, but a and c are not near-duplicates.
    angles = np.radians([0.0, 20.0, 40.0])
    emb = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    insights = [_state("b", 3.0), _state("a"), _state("c")]
    groups = merge_near_duplicates(insights, emb[[1, 0, 2]], threshold=0.9)
    assert groups == [("b", ["a", "c"])]  # each merged insight is close to its keeper
    assert merge_near_duplicates([_state("a", 3.0), _state("b"), _state("c")], emb, 0.9) == [
        ("a", ["b"])
    ]


def test_nothing_close_means_nothing_merged() -> None:
    assert merge_near_duplicates([_state("a"), _state("b")], np.eye(2)) == []
    assert merge_near_duplicates([], np.zeros((0, 3))) == []


def test_embedding_rows_must_match_insights() -> None:
    with pytest.raises(ValidationError):
        merge_near_duplicates([_state("a")], np.eye(2))


# ---- persona traits ---------------------------------------------------------------------------

CLOSED = datetime(2023, 5, 1)


def _fact(
    id: str,
    obj: str,
    polarity: bool = True,
    *,
    predicate: Predicate = Predicate.LIKES,
    valid_to: datetime | None = None,
) -> PersonaFact:
    return PersonaFact(id, "Caroline", predicate, obj, polarity, valid_to)


def test_agreeing_facts_build_a_supported_trait() -> None:
    traits = persona_insights(
        [_fact("f1", "painting"), _fact("f2", "Painting "), _fact("f3", "hiking")], user_id="u1"
    )
    assert [(t.text, t.support) for t in traits] == [
        ("Caroline likes painting", 2),
        ("Caroline likes hiking", 1),
    ]
    assert traits[0].supporting == ("f1", "f2")


def test_contradicting_facts_lower_support_and_majority_sets_the_reading() -> None:
    facts = [_fact("f1", "coffee"), _fact("f2", "coffee", False), _fact("f3", "coffee", False)]
    (trait,) = persona_insights(facts, user_id="u1")
    assert trait.text == "Caroline doesn't like coffee"
    assert trait.support == 1
    assert trait.contradicting == ("f1",)

    (tied,) = persona_insights(facts[:2], user_id="u1")
    assert tied.support == 0 and tied.retired


def test_superseded_facts_are_history_not_support() -> None:
    facts = [
        _fact("old", "paris", predicate=Predicate.LIVES_IN, valid_to=CLOSED),
        _fact("new", "berlin", predicate=Predicate.LIVES_IN),
    ]
    berlin, paris = persona_insights(facts, user_id="u1")
    assert (berlin.text, berlin.support, berlin.retired) == ("Caroline lives in berlin", 1, False)
    assert (paris.text, paris.support, paris.retired) == ("Caroline lives in paris", 0, True)
    assert paris.superseded == ("old",)


def test_trait_ids_are_stable_per_user_and_survive_a_flip() -> None:
    yes = persona_insights([_fact("f1", "tea")], user_id="u1")[0]
    no = persona_insights([_fact("f2", "Tea", False)], user_id="u1")[0]
    other_user = persona_insights([_fact("f1", "tea")], user_id="u2")[0]
    assert yes.id == no.id
    assert yes.id != other_user.id


def test_persona_trait_converts_to_a_scored_insight() -> None:
    facts = [_fact("f1", "yoga"), _fact("f2", "yoga"), _fact("f3", "yoga", False)]
    state = persona_insights(facts, user_id="u1")[0].to_state()
    assert state.support == 1.0
    assert not state.retired
    assert [e.ref for e in state.history] == ["f1", "f2", "f3"]


def test_extracted_facts_can_be_fed_in() -> None:
    ref = EntityRef("Melanie", EntityKind.PERSON, "melanie")
    out = FactOut(ref, Predicate.WORKS_AS, "nurse", True, 0.9, None)
    (trait,) = persona_insights([PersonaFact.from_fact(out, id="f1")], user_id="u1")
    assert trait.text == "Melanie works as nurse"


def test_user_id_is_required() -> None:
    with pytest.raises(ValidationError):
        persona_insights([_fact("f1", "tea")], user_id="")
