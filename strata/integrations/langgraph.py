"""``StrataStore``: LangGraph's long-term memory interface (``BaseStore``) on Strata.

What an agent puts is Strata memory, not a side table: each item is ingested as an interaction
of one turn (its text: the value's ``text``/``content``/``memory`` string, else the value as
JSON), so the planner finds it, extraction derives facts from it, and the Browser and the
dashboard show it. The exact value is kept on that interaction for ``get``.

Mapping: a namespace is a Strata user, ``"."``.join(namespace) (LangGraph forbids "." inside a
label, so the mapping is one to one), in the store's tenant; the key is the interaction id.
``search`` with a query runs the planner on each namespace under the prefix (at most
``MAX_SEARCH_NAMESPACES``); without one it lists items newest first. Filters compare value
fields (equality, or ``$eq $ne $gt $gte $lt $lte``). TTLs are not supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from langgraph.store.base import (
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)

from strata.api.http.erase import delete_interaction
from strata.graph.db import Graph
from strata.graph.errors import NotFound
from strata.graph.owners import LOCAL_TENANT, check_tenant, owner_id
from strata.ingest.masking import masker
from strata.ingest.models import InteractionIn, MessageIn

MAX_SEARCH_NAMESPACES = 20
MAX_LISTED = 10_000  # items read to apply a filter in Python
TEXT_FIELDS = ("text", "content", "memory", "data")
SPEAKER = "memory"
_OPS = {
    "$eq": lambda a, b: a == b,
    "$ne": lambda a, b: a != b,
    "$gt": lambda a, b: a is not None and a > b,
    "$gte": lambda a, b: a is not None and a >= b,
    "$lt": lambda a, b: a is not None and a < b,
    "$lte": lambda a, b: a is not None and a <= b,
}


class StrataStore(BaseStore):
    """A LangGraph ``BaseStore`` whose items are Strata memory. No arguments: the ``STRATA_``
    settings and the local Neo4j, like ``Memory()``; or a ``graph`` you built."""

    supports_ttl = False

    def __init__(self, *, tenant: str = LOCAL_TENANT, graph: Graph | None = None) -> None:
        from strata.api.runtime import ready

        self.tenant = check_tenant(tenant)
        self.graph = graph if graph is not None else ready()

    # ---- BaseStore ---------------------------------------------------------------------------

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run the operations in order; each returns what its single-item method would."""
        results: list[Result] = []
        for op in ops:
            if isinstance(op, GetOp):
                results.append(self._get(op.namespace, op.key))
            elif isinstance(op, PutOp):
                self._put(op)
                results.append(None)
            elif isinstance(op, SearchOp):
                results.append(self._search(op))
            elif isinstance(op, ListNamespacesOp):
                results.append(self._list_namespaces(op))
            else:
                raise TypeError(f"unknown store operation {type(op).__name__}")
        return results

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await asyncio.to_thread(self.batch, list(ops))

    # ---- operations --------------------------------------------------------------------------

    def _owner(self, namespace: tuple[str, ...]) -> str:
        return owner_id(self.tenant, ".".join(namespace))

    def _interaction(self, owner: str, key: str) -> InteractionIn:
        return InteractionIn(id=key, user_id=owner, messages=[MessageIn(speaker=SPEAKER, text=".")])

    def _get(self, namespace: tuple[str, ...], key: str) -> Item | None:
        from strata.ingest.turns import interaction_id

        owner = self._owner(namespace)
        iid = interaction_id(self._interaction(owner, key))
        rows = self.graph.read("store/get_items", rows=[{"id": iid, "user_id": owner}])
        return _item(rows[0]) if rows else None

    def _put(self, op: PutOp) -> None:
        from strata.api.runtime import pipeline
        from strata.ingest.turns import interaction_id

        owner = self._owner(op.namespace)
        if op.value is None:
            with contextlib.suppress(NotFound):  # deleting what is not there is a no-op
                delete_interaction(self.graph, owner, op.key)
            return
        text = _text(dict(op.value))
        message = MessageIn(id="value", speaker=SPEAKER, text=text)
        interaction = InteractionIn(id=op.key, user_id=owner, messages=[message])
        old = self._get(op.namespace, op.key)  # a new text replaces what the old one derived
        pipeline(self.graph).ingest([interaction], via="langgraph")
        value = json.dumps(dict(op.value), default=str)
        if (pii := masker(self.graph)) is not None:  # the stored value too: placeholders only
            (value,) = pii.mask_texts(owner, [value])
        row = {
            "id": interaction_id(interaction),
            "user_id": owner,
            "namespace": list(op.namespace),
            "key": op.key,
            "value": value,
            "now": int(time.time() * 1000),
            "created": None if old is None else int(old.created_at.timestamp() * 1000),
        }
        self.graph.write("store/set_items", rows=[row])

    def _search(self, op: SearchOp) -> list[SearchItem]:
        if op.query:
            found = self._ranked(op.namespace_prefix, op.query, op.limit + op.offset)
        else:
            owner = self._owner(op.namespace_prefix) if op.namespace_prefix else None
            rows = self.graph.read(
                "store/list_items",
                tenant_prefix=f"{self.tenant}:",
                owner=owner,
                limit=op.offset + op.limit if not op.filter else MAX_LISTED,
            )
            found = [(_item(r), None) for r in rows]
        kept = [(it, s) for it, s in found if _matches(it.value, op.filter)]
        window = kept[op.offset : op.offset + op.limit]
        return [
            SearchItem(it.namespace, it.key, it.value, it.created_at, it.updated_at, score)
            for it, score in window
        ]

    def _ranked(
        self, prefix: tuple[str, ...], query: str, k: int
    ) -> list[tuple[Item, float | None]]:
        """The planner's ranking on each namespace under ``prefix``, items only."""
        from strata.api.runtime import planner

        spaces = [ns for ns in self._namespaces() if ns[: len(prefix)] == prefix]
        scored: dict[tuple[str, str], tuple[Item, float]] = {}
        for ns in spaces[:MAX_SEARCH_NAMESPACES]:
            owner = self._owner(ns)
            answer = planner().search(owner, query, k=max(k, 10))
            ids = {
                i["interaction_id"]: i["score"]
                for i in reversed(answer.to_json()["items"])
                if i.get("interaction_id")
            }
            rows = self.graph.read(
                "store/get_items", rows=[{"id": i, "user_id": owner} for i in ids]
            )
            for r in rows:
                item = _item(r)
                scored[(".".join(item.namespace), item.key)] = (item, ids[r["id"]])
        ranked = sorted(scored.values(), key=lambda pair: -pair[1])
        return [(item, score) for item, score in ranked]

    def _namespaces(self) -> list[tuple[str, ...]]:
        rows = self.graph.read("store/list_namespaces", tenant_prefix=f"{self.tenant}:")
        return [tuple(r["namespace"]) for r in rows]

    def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        spaces = self._namespaces()
        for cond in op.match_conditions or ():
            spaces = [ns for ns in spaces if _path_matches(ns, cond.path, cond.match_type)]
        if op.max_depth is not None:
            spaces = sorted({ns[: op.max_depth] for ns in spaces})
        return spaces[op.offset : op.offset + op.limit]


def _text(value: dict[str, Any]) -> str:
    for name in TEXT_FIELDS:
        if isinstance(value.get(name), str) and value[name].strip():
            return str(value[name])
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _time(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _item(row: dict[str, Any]) -> Item:
    return Item(
        value=json.loads(row["value"]),
        key=row["key"],
        namespace=tuple(row["namespace"]),
        created_at=_time(row["created_at"]),
        updated_at=_time(row["updated_at"]),
    )


def _matches(value: dict[str, Any], conditions: dict[str, Any] | None) -> bool:
    for field, wanted in (conditions or {}).items():
        have = value.get(field)
        if isinstance(wanted, dict) and wanted and all(k in _OPS for k in wanted):
            if not all(_OPS[k](have, v) for k, v in wanted.items()):
                return False
        elif have != wanted:
            return False
    return True


def _path_matches(ns: tuple[str, ...], path: tuple[str, ...], how: str) -> bool:
    if len(path) > len(ns):
        return False
    part = ns[: len(path)] if how == "prefix" else ns[len(ns) - len(path) :]
    return all(p in ("*", n) for p, n in zip(path, part, strict=True))
