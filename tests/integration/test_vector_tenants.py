"""Each user's vector search is exact however many tenants share the database: other
tenants' near-identical memory must never crowd a user's own units out of the vector channel."""

from __future__ import annotations

import uuid

from strata.api.runtime import pipeline, planner
from strata.graph.db import Graph
from strata.ingest.models import InteractionIn
from strata.query.plan import PRESETS

LINES = [
    "I started learning the cello in January.",
    "My teacher Ines lives near the old harbour.",
    "We practise scales every Tuesday evening.",
    "The cello was a gift from my grandmother.",
    "I also volunteer at the animal shelter on weekends.",
    "The shelter has a three-legged dog called Pepper.",
    "Next month I am flying to Porto for a concert.",
    "My brother Tiago plays the drums in a jazz band.",
    "I cook vegetable curry on Sundays.",
    "My favourite composer is Bach, especially the suites.",
    "I moved into a flat with a balcony last spring.",
    "The balcony gets sun all afternoon.",
]
QUESTIONS = ["Who gave her the cello?", "What is the dog at the shelter called?",
             "Where is she flying next month?", "What does she cook on Sundays?"]  # fmt: skip


def _conversation(owner: str) -> InteractionIn:
    messages = [
        {"id": f"m{n}", "speaker": "Maya", "text": text,
         "timestamp": f"2024-05-0{1 + n // 4}T10:0{n % 4}:00Z"}
        for n, text in enumerate(LINES)
    ]  # fmt: skip
    return InteractionIn.model_validate({"id": "s1", "user_id": owner, "messages": messages})


def _vector_answers(owner: str) -> list[list[tuple[str, float]]]:
    run = planner()
    return [
        [(i["id"], round(i["score"], 6)) for i in run.search(
            owner, q, k=10, preset=PRESETS["vector_only"]).to_json()["items"]]
        for q in QUESTIONS
    ]  # fmt: skip


def test_vector_results_are_the_same_with_1_and_20_tenants(graph: Graph) -> None:
    run = uuid.uuid4().hex[:8]
    owner = f"vt{run}:maya"
    pipeline(graph).ingest([_conversation(owner)])
    alone = _vector_answers(owner)
    assert all(len(answer) == 10 for answer in alone)
    others = [_conversation(f"vt{run}x{n}:maya") for n in range(20)]  # the same memory
    pipeline(graph).ingest(others)
    assert _vector_answers(owner) == alone
