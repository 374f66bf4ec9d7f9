"""An acknowledged ingest writes the conversation only; enrichment extracts it afterwards
(ingest/extraction.py), and a message edited while that runs never keeps its old facts."""

from __future__ import annotations

import pytest

from strata.api.runtime import embedder, extractor, maintainer, pipeline
from strata.graph.db import Graph
from strata.graph.errors import StaleRead
from strata.graph.store import write_batch
from strata.ingest.extraction import PendingExtraction
from strata.ingest.models import InteractionIn


def _said(user: str, text: str) -> InteractionIn:
    return InteractionIn.model_validate(
        {
            "id": "s1",
            "user_id": user,
            "started_at": "2024-05-02T10:00:00Z",
            "messages": [
                {"id": "m1", "speaker": "Ana", "text": text},
                {"id": "m2", "speaker": "Bo", "text": "Oh nice, tell me more."},
            ],
        }
    )


def _places(graph: Graph, user: str) -> list[str]:
    rows = graph.run_raw(
        "MATCH (f:Fact {user_id: $u}) WHERE f.predicate = 'lives_in' RETURN f.object AS o", u=user
    )
    return sorted(r["o"].casefold() for r in rows)


def test_an_acknowledged_ingest_is_extracted_by_enrichment(graph: Graph, user_id: str) -> None:
    summary = pipeline(graph).ingest([_said(user_id, "I live in Lisbon now.")], enrich=False)
    assert summary.turns == 2 and summary.facts == 0  # the conversation only
    assert _places(graph, user_id) == []
    maintainer(graph).after_ingest({user_id})
    assert _places(graph, user_id) == ["lisbon"]
    assert PendingExtraction(graph, embedder(), extractor()).read(user_id) == []


def test_an_edit_during_background_extraction_never_keeps_the_old_text(
    graph: Graph, user_id: str
) -> None:
    ingest = pipeline(graph).ingest
    ingest([_said(user_id, "I live in Lisbon now.")], enrich=False)
    extraction = PendingExtraction(graph, embedder(), extractor())
    read = extraction.read(user_id)  # a background run reads the turns ...
    ingest([_said(user_id, "I live in Porto now.")], enrich=False)  # ... the message is edited
    with pytest.raises(StaleRead):
        write_batch(graph, extraction.batch(read))  # ... and its write of the old text fails whole
    assert _places(graph, user_id) == []
    assert extraction(user_id) == 2  # both turns again, the edited one as it is now
    assert _places(graph, user_id) == ["porto"]
    maintainer(graph).after_ingest({user_id})
    assert _places(graph, user_id) == ["porto"]
