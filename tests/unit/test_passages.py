"""Long messages: kept whole as ground truth, indexed as passages that join back exactly."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from strata.ingest.models import InteractionIn
from strata.ingest.passages import PASSAGE_CHARS, SPLIT_ABOVE, passages
from strata.ingest.turns import to_turns


def test_a_short_message_stays_one_passage() -> None:
    text = "I moved to Lisbon last month. " * 100
    assert len(text) < SPLIT_ABOVE
    assert passages(text) == [(0, text)]


def test_a_long_document_is_cut_at_paragraphs_and_joins_back_exactly() -> None:
    paragraph = "The deployment log shows the cache warming up before the first request. " * 12
    text = "\n\n".join(f"Section {i}. {paragraph}" for i in range(40))
    parts = passages(text)
    assert len(parts) > 1
    assert "".join(p for _, p in parts) == text
    for (offset, part), (nxt, _) in itertools.pairwise(parts):
        assert text[offset : offset + len(part)] == part and offset + len(part) == nxt
        assert part.endswith("\n\n")  # a paragraph break, not mid-sentence
        assert PASSAGE_CHARS // 2 <= len(part) <= PASSAGE_CHARS


@given(st.text(min_size=0, max_size=30_000))
def test_any_text_is_covered_exactly_and_bounded(text: str) -> None:
    parts = passages(text)
    assert "".join(p for _, p in parts) == text
    assert [o for o, _ in parts] == [sum(len(p) for _, p in parts[:i]) for i in range(len(parts))]
    if len(parts) > 1:
        assert all(len(p) <= PASSAGE_CHARS for _, p in parts)


def test_a_pasted_document_becomes_ordered_turns_of_one_message() -> None:
    blob = "".join(f"line {i}: value={i * 7}\n" for i in range(20_000))  # ~350,000 chars
    interaction = InteractionIn.model_validate(
        {
            "id": "paste",
            "user_id": "t:u",
            "messages": [
                {"id": "m1", "speaker": "user", "role": "user", "text": blob},
                {"id": "m2", "speaker": "assistant", "role": "assistant", "text": "Got it."},
            ],
        }
    )
    turns = to_turns(interaction)
    pasted = [t for t in turns if t.source_id == "m1"]
    assert len(pasted) > 80 and "".join(t.text for t in pasted) == blob
    assert [t.seq for t in turns] == list(range(len(turns)))
    assert len({t.id for t in turns}) == len(turns)
    assert turns[-1].source_id == "m2" and turns[-1].part == 0
    assert [t.offset for t in pasted] == sorted(t.offset for t in pasted)
    # the first passage keeps the id a short message would have had: old memory stays stable
    short = to_turns(
        interaction.model_copy(
            update={"messages": [interaction.messages[0].model_copy(update={"text": "hi"})]}
        )
    )
    assert short[0].id == pasted[0].id
