"""How an ingest is cut into transactions: whole interactions, a small first batch."""

from __future__ import annotations

from strata.ingest.models import InteractionIn
from strata.ingest.pipeline import _chunks


def _sessions(*sizes: int) -> list[InteractionIn]:
    return [
        InteractionIn.model_validate(
            {
                "id": f"s{n}",
                "user_id": "u",
                "messages": [{"speaker": "Ana", "text": f"line {i}"} for i in range(size)],
            }
        )
        for n, size in enumerate(sizes)
    ]


def test_first_batch_is_small_and_later_ones_fill_up() -> None:
    chunks = list(_chunks(_sessions(150, 100, 400, 500, 300), 1000, first=200))
    assert [[it.id for it in c] for c in chunks] == [["s0"], ["s1", "s2", "s3"], ["s4"]]


def test_an_interaction_is_never_split_even_past_the_limit() -> None:
    chunks = list(_chunks(_sessions(600, 600, 600), 1000, first=200))
    assert [len(c) for c in chunks] == [1, 1, 1]
    assert sum(len(it.messages) for c in chunks for it in c) == 1800
