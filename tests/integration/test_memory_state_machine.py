"""A Hypothesis state machine over one user's memory on the real Neo4j: ingest (in any time
order), edit a message, re-ingest unchanged, delete an interaction or one message, export,
forget, re-import the export. After every step the stored conversations equal a plain-dict
model; at the end the derived memory (links, similar questions, scenes, persona traits) equals
what a clean ingest of the model's conversations gives another user.

Killing Neo4j between steps is not part of it (a restart costs ~10 s a step); the crash case
is ``test_memory.test_derived_memory_is_the_same_however_the_memory_arrived``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule
from tests_support import derived_memory

from strata.api.library import Memory
from strata.api.runtime import pipeline
from strata.graph.db import Graph
from strata.ingest.models import InteractionIn

CITIES = ["Paris", "Rome", "Berlin", "Lisbon"]
THINGS = ["coffee", "jazz", "hiking", "chess"]
SENTENCES = st.one_of(
    st.sampled_from(CITIES).map(lambda c: f"I live in {c} now."),
    st.sampled_from(THINGS).map(lambda t: f"I really like {t}."),
    st.sampled_from(THINGS).map(lambda t: f"Do you like {t}?"),
    st.sampled_from(CITIES).map(lambda c: f"We visited {c} with my sister Emma."),
)


class MemoryMachine(RuleBasedStateMachine):
    graph: Graph

    interactions = Bundle("interactions")

    def __init__(self) -> None:
        super().__init__()
        self.tenant = f"sm{uuid.uuid4().hex[:8]}"
        self.memory = Memory(tenant=self.tenant)
        self.model: dict[str, dict[str, Any]] = {}  # interaction id → native line

    @rule(
        target=interactions,
        day=st.integers(min_value=1, max_value=28),
        texts=st.lists(SENTENCES, min_size=1, max_size=4),
    )
    def ingest(self, day: int, texts: list[str]) -> str:
        iid = f"s{len(self.model)}-{uuid.uuid4().hex[:4]}"
        line = {
            "id": iid,
            "started_at": f"2024-03-{day:02d}T10:00:00+00:00",
            "messages": [
                {"id": f"m{i}", "speaker": ("Ann", "Bot")[i % 2], "text": t}
                for i, t in enumerate(texts)
            ],
        }
        self.memory.add("u", interactions=[line])
        self.model[iid] = line
        return iid

    @rule(iid=interactions, text=SENTENCES, data=st.data())
    def edit(self, iid: str, text: str, data: st.DataObject) -> None:
        if iid not in self.model:
            return
        line = self.model[iid]
        n = data.draw(st.integers(min_value=0, max_value=len(line["messages"]) - 1))
        line["messages"][n] = {**line["messages"][n], "text": text}
        self.memory.add("u", interactions=[line])

    @rule(iid=interactions)
    def reingest(self, iid: str) -> None:
        if iid in self.model:
            self.memory.add("u", interactions=[self.model[iid]])

    @rule(iid=interactions)
    def delete(self, iid: str) -> None:
        if iid in self.model:
            self.memory.delete_interaction("u", iid)
            del self.model[iid]

    @rule(iid=interactions, data=st.data())
    def delete_message(self, iid: str, data: st.DataObject) -> None:
        if iid not in self.model:
            return
        messages = self.model[iid]["messages"]
        n = data.draw(st.integers(min_value=0, max_value=len(messages) - 1))
        left = self.memory.delete_message("u", iid, messages[n]["id"]).messages_left
        del messages[n]
        assert left == len(messages)
        if not messages:
            del self.model[iid]

    @rule()
    def forget_and_reimport(self) -> None:
        lines = self.memory.export("u")
        self.memory.forget("u")
        assert self.memory.export("u") == []
        if lines:
            self.memory.add("u", interactions=[_without_owner(ln) for ln in lines])

    @invariant()
    def stored_conversations_are_the_model(self) -> None:
        stored = {
            line["id"]: [(m["id"], m["text"]) for m in line["messages"]]
            for line in self.memory.export("u")
        }
        expected = {
            iid: [(m["id"], m["text"]) for m in line["messages"]]
            for iid, line in self.model.items()
        }
        assert stored == expected

    def teardown(self) -> None:
        try:
            twin = f"{self.tenant}:twin"
            if self.model:
                pipeline(self.graph).ingest(
                    [
                        InteractionIn.model_validate({**line, "user_id": twin})
                        for line in self.model.values()
                    ]
                )
            assert derived_memory(self.graph, f"{self.tenant}:u") == derived_memory(
                self.graph, twin
            )
        finally:
            self.memory.forget("u")
            self.memory.close()


def _without_owner(line: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in line.items() if k != "user_id"}


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_memory_behaves_like_its_model(graph: Graph) -> None:
    MemoryMachine.graph = graph
    machine = MemoryMachine.TestCase
    machine.settings = settings(
        max_examples=20,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    machine().runTest()
