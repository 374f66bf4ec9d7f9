"""LangGraph's own store behaviour tests, the cases it runs against its Postgres store
(``libs/checkpoint-postgres/tests/test_store.py``), adapted to a Strata fixture: one fresh tenant
per test stands in for Postgres's fresh database, and Strata's planner stands in for pgvector.

Adapted, not copied: the data and the expectations are LangGraph's, the wording is ours. Left
out, because ``StrataStore`` declares them unsupported: TTLs (``supports_ttl = False``) and
per-store or per-put embedding configuration (``index_config``, ``index=[fields]``): Strata embeds
every item's text with the one configured embedder so that it is memory like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from langgraph.store.base import GetOp, Item, ListNamespacesOp, MatchCondition, PutOp, SearchOp

from strata.graph.db import Graph
from strata.integrations.langgraph import StrataStore


@pytest.fixture
def store(graph: Graph) -> Iterator[StrataStore]:
    yield StrataStore(tenant=f"lgs{uuid.uuid4().hex[:10]}", graph=graph)


def test_batch_order(store: StrataStore) -> None:
    store.put(("test", "foo"), "key1", {"data": "value1"})
    store.put(("test", "bar"), "key2", {"data": "value2"})
    results = store.batch(
        [
            GetOp(("test", "foo"), "key1"),
            PutOp(("test", "bar"), "key2", {"data": "value2"}),
            SearchOp(("test",), {"data": "value1"}, 10, 0),
            ListNamespacesOp(None, None, 10, 0),
            GetOp(("test",), "key3"),
        ]
    )
    assert len(results) == 5
    assert isinstance(results[0], Item) and results[0].value == {"data": "value1"}
    assert results[1] is None and results[4] is None
    assert [i.key for i in results[2]] == ["key1"]
    assert len(results[3]) == 2

    again = store.batch(
        [
            SearchOp(("test",), None, 5, 0),
            GetOp(("test", "bar"), "key2"),
            ListNamespacesOp(None, None, 5, 0),
            PutOp(("test",), "key3", {"data": "value3"}),
            GetOp(("test", "foo"), "key1"),
        ]
    )
    assert len(again[0]) == 2 and again[1].value == {"data": "value2"}
    assert len(again[2]) == 2 and again[3] is None and again[4].value == {"data": "value1"}
    assert store.get(("test",), "key3").value == {"data": "value3"}


def test_batch_get_ops(store: StrataStore) -> None:
    store.put(("test",), "key1", {"data": "value1"})
    store.put(("test",), "key2", {"data": "value2"})
    got = store.batch([GetOp(("test",), k) for k in ("key1", "key2", "key3")])
    assert [g.key if g else None for g in got] == ["key1", "key2", None]


def test_batch_put_ops_and_put_none_deletes(store: StrataStore) -> None:
    store.put(("test",), "key3", {"data": "doomed"})
    results = store.batch(
        [
            PutOp(("test",), "key1", {"data": "value1"}),
            PutOp(("test",), "key2", {"data": "value2"}),
            PutOp(("test",), "key3", None),
        ]
    )
    assert results == [None, None, None]
    assert store.get(("test",), "key1").value == {"data": "value1"}
    assert store.get(("test",), "key2").value == {"data": "value2"}
    assert store.get(("test",), "key3") is None


def test_batch_search_ops(store: StrataStore) -> None:
    store.put(("test", "foo"), "key1", {"data": "value1", "tag": "a"})
    store.put(("test", "bar"), "key2", {"data": "value2", "tag": "a"})
    store.put(("test", "baz"), "key3", {"data": "value3", "tag": "b"})
    tagged, first_two, foo = store.batch(
        [
            SearchOp(("test",), {"tag": "a"}, 10, 0),
            SearchOp(("test",), None, 2, 0),
            SearchOp(("test", "foo"), None, 10, 0),
        ]
    )
    assert sorted(i.key for i in tagged) == ["key1", "key2"]
    assert len(first_two) == 2
    assert [(i.namespace, i.key) for i in foo] == [(("test", "foo"), "key1")]


def test_batch_list_namespaces_ops(store: StrataStore) -> None:
    data = [
        (("test", "documents", "public"), "doc1"),
        (("test", "documents", "private"), "doc2"),
        (("test", "images", "public"), "img1"),
        (("prod", "documents", "public"), "doc3"),
    ]
    for ns, key in data:
        store.put(ns, key, {"content": f"{key} content"})
    everything, shallow, public = store.batch(
        [
            ListNamespacesOp(None, None, 10, 0),
            ListNamespacesOp(None, 2, 10, 0),
            ListNamespacesOp((MatchCondition("suffix", ("public",)),), None, 10, 0),
        ]
    )
    assert sorted(everything) == sorted(ns for ns, _ in data)
    assert sorted(shallow) == [("prod", "documents"), ("test", "documents"), ("test", "images")]
    assert sorted(public) == sorted(ns for ns, _ in data if ns[-1] == "public")


def test_basic_store_ops(store: StrataStore) -> None:
    ns = ("test", "documents")
    store.put(ns, "doc1", {"title": "Test Document", "content": "Hello, World!"})
    item = store.get(ns, "doc1")
    assert item is not None and (item.namespace, item.key) == (ns, "doc1")
    assert item.value == {"title": "Test Document", "content": "Hello, World!"}
    store.put(ns, "doc1", {"title": "Updated Document", "content": "Hello, Updated!"})
    updated = store.get(ns, "doc1")
    assert updated.value == {"title": "Updated Document", "content": "Hello, Updated!"}
    assert updated.updated_at > item.updated_at
    assert store.get(("test", "other_documents"), "doc1") is None
    store.delete(ns, "doc1")
    assert store.get(ns, "doc1") is None


def test_list_namespaces(store: StrataStore) -> None:
    spaces = [
        (top, kind, scope)
        for top in ("test", "prod")
        for kind in ("documents", "images")
        for scope in ("public", "private")
        if not (top == "prod" and kind == "images")
    ]
    for ns in spaces:
        store.put(ns, "dummy", {"content": "dummy"})
    assert sorted(store.list_namespaces()) == sorted(spaces)
    under_test = store.list_namespaces(prefix=("test",))
    assert len(under_test) == 4 and all(ns[0] == "test" for ns in under_test)
    public = store.list_namespaces(suffix=("public",))
    assert len(public) == 3 and all(ns[-1] == "public" for ns in public)
    assert all(len(ns) <= 2 for ns in store.list_namespaces(max_depth=2))
    assert len(store.list_namespaces(limit=3)) == 3
    for ns in spaces:
        store.delete(ns, "dummy")
    assert store.list_namespaces() == []


def test_search(store: StrataStore) -> None:
    data = [
        (
            ("test", "docs"),
            "doc1",
            {"title": "First Doc", "author": "Alice", "tags": ["important"]},
        ),
        (("test", "docs"), "doc2", {"title": "Second Doc", "author": "Bob", "tags": ["draft"]}),
        (("test", "images"), "img1", {"title": "Image 1", "author": "Alice", "tags": ["final"]}),
    ]
    for ns, key, value in data:
        store.put(ns, key, value)
    assert len(store.search(("test",))) == 3
    docs = store.search(("test", "docs"))
    assert len(docs) == 2 and all(i.namespace == ("test", "docs") for i in docs)
    alice = store.search(("test",), filter={"author": "Alice"})
    assert sorted(i.key for i in alice) == ["doc1", "img1"]
    assert len(store.search(("test",), limit=2)) == 2
    assert len(store.search(("test",), offset=2)) == 1


def test_numeric_comparison_filters(store: StrataStore) -> None:
    ns = ("test", "scores")
    for key, score in [("a", 2), ("b", 9), ("c", 10), ("d", 11)]:
        store.put(ns, key, {"score": score})

    def scores(conditions: dict[str, object]) -> list[float]:
        return sorted(i.value["score"] for i in store.search(ns, filter=conditions))

    assert scores({"score": {"$gte": 10}}) == [10, 11]  # numbers, not "9" >= "10"
    assert scores({"score": {"$gt": 9}}) == [10, 11]
    assert scores({"score": {"$lt": 10}}) == [2, 9]
    assert scores({"score": {"$lte": 9}}) == [2, 9]
    store.put(ns, "e", {"score": 9.5})
    assert scores({"score": {"$gt": 9}}) == [9.5, 10, 11]
    names = ("test", "names")
    store.put(names, "a", {"name": "apple"})
    store.put(names, "b", {"name": "banana"})
    found = store.search(names, filter={"name": {"$gt": "apple"}})
    assert [i.value["name"] for i in found] == ["banana"]


# ---- the vector cases: Strata's planner ranks ---------------------------------------------------


def test_vector_insert_with_auto_embedding(store: StrataStore) -> None:
    docs = [
        ("doc1", {"text": "short text"}),
        ("doc2", {"text": "longer text document"}),
        ("doc3", {"text": "longest text document here"}),
        ("doc4", {"description": "text in description field"}),
        ("doc5", {"content": "text in content field"}),
        ("doc6", {"body": "text in body field"}),
    ]
    for key, value in docs:
        store.put(("test",), key, value)
    found = [r.key for r in store.search(("test",), query="long text")]
    assert "doc2" in found and "doc3" in found


def test_vector_update_with_embedding(store: StrataStore) -> None:
    store.put(("test",), "doc1", {"text": "zany zebra Xerxes"})
    store.put(("test",), "doc2", {"text": "something about dogs"})
    store.put(("test",), "doc3", {"text": "text about birds"})
    before = store.search(("test",), query="Zany Xerxes")
    assert before[0].key == "doc1"
    store.put(("test",), "doc1", {"text": "new text about dogs"})
    after = store.search(("test",), query="Zany Xerxes")
    after_score = next((r.score for r in after if r.key == "doc1"), 0.0)
    assert after_score < before[0].score
    for r in store.search(("test",), query="new text about dogs"):
        if r.key == "doc1":
            assert r.score > after_score


def test_vector_search_with_filters(store: StrataStore) -> None:
    docs = [
        ("doc1", {"text": "red apple", "color": "red", "score": 4.5}),
        ("doc2", {"text": "red car", "color": "red", "score": 3.0}),
        ("doc3", {"text": "green apple", "color": "green", "score": 4.0}),
        ("doc4", {"text": "blue car", "color": "blue", "score": 3.5}),
    ]
    for key, value in docs:
        store.put(("test",), key, value)
    apples = store.search(("test",), query="apple", filter={"color": "red"})
    assert [r.key for r in apples][:1] == ["doc1"] and len(apples) == 2
    cars = store.search(("test",), query="car", filter={"color": "red"})
    assert [r.key for r in cars][:1] == ["doc2"] and len(cars) == 2
    green = store.search(
        ("test",), query="apple", filter={"score": {"$gte": 4.0}, "color": "green"}
    )
    assert [r.key for r in green] == ["doc3"]


def test_vector_search_pagination(store: StrataStore) -> None:
    for i in range(5):
        store.put(("test",), f"doc{i}", {"text": f"test document number {i}"})
    page1 = store.search(("test",), query="test", limit=2)
    page2 = store.search(("test",), query="test", limit=2, offset=2)
    assert len(page1) == 2 and len(page2) == 2
    assert not {r.key for r in page1} & {r.key for r in page2}
    assert len(store.search(("test",), query="test", limit=10)) == 5


def test_vector_search_edge_cases(store: StrataStore) -> None:
    store.put(("test",), "doc1", {"text": "test document"})
    for query in ("", None, "test " * 100, "test!@#$%^&*()"):
        assert len(store.search(("test",), query=query)) == 1, query


def test_non_ascii(store: StrataStore) -> None:
    texts = ["这是中文", "これは日本語です", "이건 한국어야", "Это русский", "यह रूसी है"]
    ns = ("user_123", "memories")
    for n, text in enumerate(texts, 1):
        store.put(ns, str(n), {"text": text})
    for n, text in enumerate(texts, 1):
        assert store.search(ns, query=text)[0].key == str(n), text
