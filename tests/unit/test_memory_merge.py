"""Near-duplicate persona traits merge within one subject and predicate only."""

from __future__ import annotations

import numpy as np

from strata.ingest.insights import PersonaFact, persona_insights
from strata.ingest.memory import _merge_duplicates, _trait_row
from strata.ingest.models import Predicate


def test_duplicates_of_one_subject_merge_and_keep_history() -> None:
    facts = [
        PersonaFact("f1", "Alice", Predicate.LIKES, "black coffee", True),
        PersonaFact("f2", "Alice", Predicate.LIKES, "black coffee", True),
        PersonaFact("f3", "Alice", Predicate.LIKES, "coffee black", True),
        PersonaFact("f4", "Bob", Predicate.LIKES, "black coffee", True),
    ]
    traits = persona_insights(facts, user_id="u")
    same = np.ones((len(traits), 4)) / 2.0  # every trait embeds identically
    rows = [_trait_row(t, "u", list(v)) for t, v in zip(traits, same.tolist(), strict=True)]
    _merge_duplicates(rows, traits, same)
    alice = [r for r in rows if r["subject"] == "Alice"]
    kept = [r for r in alice if r["merged_into"] is None]
    merged = [r for r in alice if r["merged_into"] is not None]
    assert len(kept) == 1 and len(merged) == 1
    assert set(kept[0]["supporting"]) == {"f1", "f2", "f3"} and kept[0]["support"] == 3
    assert merged[0]["retired"] and merged[0]["merged_into"] == kept[0]["id"]
    bob = next(r for r in rows if r["subject"] == "Bob")
    assert bob["merged_into"] is None and not bob["retired"]  # never across subjects


def test_distinct_traits_stay_apart() -> None:
    facts = [
        PersonaFact("f1", "Alice", Predicate.LIKES, "coffee", True),
        PersonaFact("f2", "Alice", Predicate.LIKES, "hiking", True),
    ]
    traits = persona_insights(facts, user_id="u")
    vectors = np.eye(len(traits), 4)
    rows = [_trait_row(t, "u", list(v)) for t, v in zip(traits, vectors.tolist(), strict=True)]
    _merge_duplicates(rows, traits, vectors)
    assert all(r["merged_into"] is None for r in rows)
