"""``StrataStore`` against the real Neo4j: the behaviour LangGraph's own store tests check
(batch order, put/get/update/delete, search with filters and paging, namespace listing),
semantic search by the planner, and a real LangGraph graph writing and reading through it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import TypedDict

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, StateGraph
from langgraph.store.base import BaseStore, GetOp, ListNamespacesOp, MatchCondition, PutOp, SearchOp

from strata.graph.db import Graph
from strata.graph.errors import ValidationError
from strata.integrations.langgraph import StrataStore


@pytest.fixture
def store(graph: Graph) -> Iterator[StrataStore]:
    """A store in a fresh tenant: tests never see each other's items."""
    yield StrataStore(tenant=f"lg{uuid.uuid4().hex[:10]}", graph=graph)


def test_batch_runs_operations_in_order(store: StrataStore) -> None:
    results = store.batch(
        [
            PutOp(("test", "foo"), "key1", {"data": "value1"}),
            GetOp(("test", "foo"), "key1"),
            PutOp(("test", "bar"), "key2", {"data": "value2"}),
            SearchOp(("test",), None, 10, 0),
            ListNamespacesOp(None, None, 10, 0),
            GetOp(("test",), "missing"),
        ]
    )
    assert results[0] is None and results[2] is None
    assert results[1] is not None and results[1].value == {"data": "value1"}
    assert {item.key for item in results[3]} == {"key1", "key2"}
    assert results[4] == [("test", "bar"), ("test", "foo")]
    assert results[5] is None


def test_put_get_update_delete(store: StrataStore) -> None:
    ns = ("users", "alice")
    store.put(ns, "home", {"text": "Alice lives in Paris", "kind": "place"})
    first = store.get(ns, "home")
    assert first is not None and first.value == {"text": "Alice lives in Paris", "kind": "place"}
    assert first.namespace == ns and first.key == "home"
    store.put(ns, "home", {"text": "Alice lives in Berlin", "kind": "place"})
    second = store.get(ns, "home")
    assert second is not None and second.value["text"] == "Alice lives in Berlin"
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    store.delete(ns, "home")
    assert store.get(ns, "home") is None
    assert store.search(ns) == []


def test_an_updated_value_leaves_no_trace_of_the_old_text(store: StrataStore) -> None:
    ns = ("users", "bob")
    store.put(ns, "pet", {"text": "Bob has a parrot named Kiwi"})
    store.put(ns, "pet", {"text": "Bob has a dog named Rex"})
    hits = store.search(ns, query="parrot Kiwi")
    assert all("parrot" not in item.value["text"] for item in hits)
    assert store.search(ns, query="dog Rex")[0].value["text"] == "Bob has a dog named Rex"


def test_search_filters_and_pages(store: StrataStore) -> None:
    ns = ("docs",)
    for n in range(5):
        store.put(
            ns,
            f"d{n}",
            {"text": f"note number {n}", "n": n, "tag": "even" if n % 2 == 0 else "odd"},
        )
    assert {i.key for i in store.search(ns, filter={"tag": "even"})} == {"d0", "d2", "d4"}
    assert {i.key for i in store.search(ns, filter={"n": {"$gte": 3}})} == {"d3", "d4"}
    assert {i.key for i in store.search(ns, filter={"n": {"$ne": 0, "$lt": 2}})} == {"d1"}
    page1, page2 = store.search(ns, limit=3), store.search(ns, limit=3, offset=3)
    assert len(page1) == 3 and len(page2) == 2
    assert {i.key for i in page1 + page2} == {f"d{n}" for n in range(5)}


def test_semantic_search_ranks_by_the_planner(store: StrataStore) -> None:
    ns = ("memories", "carol")
    store.put(ns, "m1", {"text": "Carol is allergic to peanuts"})
    store.put(ns, "m2", {"text": "Carol plays the violin in an orchestra"})
    store.put(ns, "m3", {"text": "Carol's favourite city is Lisbon"})
    hits = store.search(("memories",), query="Which instrument does Carol play?", limit=2)
    assert hits[0].key == "m2" and hits[0].score is not None
    assert store.search(("memories",), query="violin", filter={"text": "nope"}) == []


def test_list_namespaces_by_prefix_suffix_depth(store: StrataStore) -> None:
    for ns in [("a", "b", "c"), ("a", "b", "d"), ("a", "x"), ("z", "b")]:
        store.put(ns, "k", {"v": 1})
    assert store.list_namespaces(prefix=("a",)) == [("a", "b", "c"), ("a", "b", "d"), ("a", "x")]
    assert store.list_namespaces(suffix=("b",)) == [("z", "b")]
    assert store.list_namespaces(prefix=("a", "*", "d")) == [("a", "b", "d")]
    assert store.list_namespaces(max_depth=2) == [("a", "b"), ("a", "x"), ("z", "b")]
    assert store.list_namespaces(limit=2, offset=1) == [("a", "b", "d"), ("a", "x")]
    ops = [ListNamespacesOp((MatchCondition("prefix", ("a",)), MatchCondition("suffix", ("x",))))]
    assert store.batch(ops) == [[("a", "x")]]


def test_tenants_never_see_each_others_items(graph: Graph) -> None:
    a = StrataStore(tenant=f"lga{uuid.uuid4().hex[:8]}", graph=graph)
    b = StrataStore(tenant=f"lgb{uuid.uuid4().hex[:8]}", graph=graph)
    a.put(("users", "dan"), "k", {"text": "Dan works as a pilot"})
    assert b.get(("users", "dan"), "k") is None
    assert b.search(("users",), query="pilot") == [] and b.list_namespaces() == []


def test_bad_namespace_labels_are_refused(store: StrataStore) -> None:
    with pytest.raises(ValueError):
        store.put(("a.b",), "k", {"v": 1})  # LangGraph's own check
    with pytest.raises(ValidationError):
        store.put(("has space",), "k", {"v": 1})  # not a Strata user id


def test_async_methods(store: StrataStore) -> None:
    async def main() -> object:
        await store.aput(("async",), "k", {"text": "stored asynchronously"})
        return await store.aget(("async",), "k")

    item = asyncio.run(main())
    assert item is not None


class State(TypedDict):
    user: str
    question: str
    answer: str


def test_a_langgraph_graph_remembers_across_threads(store: StrataStore) -> None:
    """Two runs of a real graph: the first stores what the user said, the second answers from
    it. The model is scripted (no LLM): it echoes the memory the graph put in its prompt."""
    model = GenericFakeChatModel(messages=iter([AIMessage(content="noted"), AIMessage(content="")]))

    def remember(state: State, *, store: BaseStore) -> dict[str, str]:
        if state["question"].startswith("remember:"):
            fact = state["question"].removeprefix("remember:").strip()
            store.put(("memories", state["user"]), uuid.uuid4().hex, {"text": fact})
            return {"answer": str(model.invoke(fact).content)}
        hits = store.search(("memories", state["user"]), query=state["question"], limit=1)
        return {"answer": hits[0].value["text"] if hits else "I don't know"}

    builder = StateGraph(State)
    builder.add_node("remember", remember)
    builder.add_edge(START, "remember")
    builder.add_edge("remember", END)
    app = builder.compile(store=store)
    said = app.invoke(
        {"user": "erin", "question": "remember: Erin's dog is called Biscuit", "answer": ""}
    )
    assert said["answer"] == "noted"
    asked = app.invoke({"user": "erin", "question": "What is the dog called?", "answer": ""})
    assert asked["answer"] == "Erin's dog is called Biscuit"
