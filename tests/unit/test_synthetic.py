"""The synthetic user's talking turns and embedded rows (ingest.synthetic, no Neo4j)."""

from __future__ import annotations

from strata.ingest.embed import HashingEmbedder
from strata.ingest.synthetic import SynthSpec, said, synthesize

EMBEDDER = HashingEmbedder(64)


def _embed(texts: list[str]) -> list[list[float]]:
    return EMBEDDER.embed(texts).tolist()


def _rows(spec: SynthSpec, embed: bool = False) -> list:
    return list(synthesize(spec, batch_turns=40, embed=_embed if embed else None))


def _spec(owner: str = "t:u", talk: bool = True) -> SynthSpec:
    return SynthSpec(
        owner=owner, turns=60, turns_per_interaction=20, entities=10, dim=64, talk=talk
    )


def test_talking_turns_say_varied_sentences_that_said_reproduces() -> None:
    turns = [t for b, _ in _rows(_spec()) for t in b.turns]
    assert len({t["raw_text"] for t in turns}) == len(turns)
    assert all(t["text"] == f"{t['speaker']}: {t['raw_text']}" for t in turns)
    by_interaction: dict[str, list[dict]] = {}
    for t in turns:
        by_interaction.setdefault(t["interaction_id"], []).append(t)
    for k, group in enumerate(by_interaction.values()):
        for t in group:
            assert t["raw_text"].startswith(said(_spec(), k, t["seq"]))


def test_two_users_say_different_things() -> None:
    a = [t["raw_text"] for b, _ in _rows(_spec("t:a")) for t in b.turns]
    b = [t["raw_text"] for b, _ in _rows(_spec("t:b")) for t in b.turns]
    assert not set(a) & set(b)


def test_every_row_gets_the_vector_of_its_text() -> None:
    batches = _rows(_spec(), embed=True)
    for batch, _ in batches:
        rows = [*batch.interactions, *batch.turns, *batch.segments, *batch.facts]
        expected = _embed([r["text"] for r in rows])
        assert [r["embedding"] for r in rows] == expected
        assert len({tuple(r["embedding"]) for r in batch.turns}) == len(batch.turns)
        by_id = {t["id"]: t["text"] for t in batch.turns}
        for s in batch.segments:
            assert s["text"] == " ".join(by_id[i] for i in s["turn_ids"])


def test_talk_changes_the_words_not_the_known_structure() -> None:
    quiet, talking = _rows(_spec(talk=False)), _rows(_spec(talk=True))
    assert [t for _, t in quiet][-1] == [t for _, t in talking][-1]
    quiet_turns = [t for b, _ in quiet for t in b.turns]
    assert {t["raw_text"] for t in quiet_turns} == {f"synthetic turn {s}" for s in range(20)}
    assert all(t["embedding"] == [1.0] + [0.0] * 63 for t in quiet_turns)
