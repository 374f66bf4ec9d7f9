"""Masking personal data once, before anything is built from the input (``STRATA_PII=mask``).

Interactions and agent runs pass through ``Masker`` before they become turns or steps, so
every string Strata stores, indexes or embeds for them (turn and full text, attachments,
entities, facts, persona, lessons, task text) is built from masked text. A value gets the
same placeholder every time for its owner (found by its HMAC, ``graph/pii.py``); the original
is stored only encrypted. ``restorer`` undoes it for the owner's export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from strata.graph.db import Graph
from strata.graph.errors import ConfigError
from strata.graph.pii import NewValue, assign_placeholders, stored_values
from strata.graph.settings import Settings, get_settings
from strata.ingest.agent_models import Outcome, RunIn
from strata.ingest.models import InteractionIn
from strata.ingest.pii import KEY_HELP, PiiKind, Vault, detect, replace, restore


def vault(settings: Settings | None = None) -> Vault | None:
    """The key's vault when ``STRATA_PII_KEY`` is set (a bad key is a ``ConfigError``)."""
    key = (settings or get_settings()).pii_key
    return None if key is None else Vault(key.get_secret_value())


def masker(graph: Graph, settings: Settings | None = None) -> Masker | None:
    """The masker when ``STRATA_PII=mask``, else None; mask without a key is a ``ConfigError``."""
    settings = settings or get_settings()
    if settings.pii == "off":
        return None
    v = vault(settings)
    if v is None:
        raise ConfigError(f"STRATA_PII=mask needs STRATA_PII_KEY: {KEY_HELP}")
    return Masker(graph, v)


class Masker:
    def __init__(self, graph: Graph, vault: Vault) -> None:
        self.graph = graph
        self.vault = vault

    def mask_texts(self, owner: str, texts: list[str]) -> list[str]:
        """The texts of one owner with every personal value replaced by its placeholder."""
        spans = [detect(t) for t in texts]
        # in order of first appearance: a new value's number says when the owner first gave it
        seen = list(dict.fromkeys((s.kind, s.value) for found in spans for s in found))
        if not seen:
            return texts
        names = {kv: self.vault.name(owner, *kv) for kv in seen}
        new = [NewValue(names[kv], kv[0].value, self.vault.encrypt(kv[1])) for kv in seen]
        placeholder_of = assign_placeholders(self.graph, owner, new)
        by_value = {kv: placeholder_of[names[kv]] for kv in seen}
        return [replace(t, found, by_value) for t, found in zip(texts, spans, strict=True)]

    def mask_query(self, owner: str, text: str) -> str:
        """A search text with the owner's known personal values as their placeholders, so it
        finds the masked memory. Lookup only: a value the owner never gave stays as typed and
        is recorded nowhere."""
        found = detect(text)
        if not found:
            return text
        names = {(s.kind, s.value): self.vault.name(owner, s.kind, s.value) for s in found}
        rows = self.graph.read("pii/read_values", user_id=owner, hmacs=sorted(set(names.values())))
        known = {r["hmac"]: r["placeholder"] for r in rows if r["hmac"] is not None}
        by_value = {kv: known[h] for kv, h in names.items() if h in known}
        return replace(text, [s for s in found if (s.kind, s.value) in by_value], by_value)

    def mask_interactions(self, interactions: list[InteractionIn]) -> list[InteractionIn]:
        """Message texts and attachments (text and url) masked, everything else as sent."""
        return [
            InteractionIn.model_validate(d)
            for d in self._mask_dumps(
                [(i.user_id, i.model_dump()) for i in interactions], _interaction_strings
            )
        ]

    def mask_runs(self, runs: list[RunIn]) -> list[RunIn]:
        """Task, message content, tool-call arguments and feedback masked."""
        return [
            RunIn.model_validate(d)
            for d in self._mask_dumps([(r.user_id, r.model_dump()) for r in runs], _run_strings)
        ]

    def mask_outcome(self, owner: str, outcome: Outcome) -> Outcome:
        if not outcome.feedback:
            return outcome
        (feedback,) = self.mask_texts(owner, [outcome.feedback])
        return outcome.model_copy(update={"feedback": feedback})

    def _mask_dumps(
        self, dumps: list[tuple[str, dict[str, Any]]], strings: Callable[[dict[str, Any]], Walk]
    ) -> list[dict[str, Any]]:
        """Collect the maskable strings of each dump, mask them per owner, put them back."""
        by_owner: dict[str, list[tuple[Slot, str]]] = {}
        for owner, d in dumps:
            by_owner.setdefault(owner, []).extend(strings(d))
        for owner, slots in by_owner.items():
            masked = self.mask_texts(owner, [text for _, text in slots])
            for (slot, _), text in zip(slots, masked, strict=True):
                slot[0][slot[1]] = text
        return [d for _, d in dumps]


Slot = tuple[Any, Any]  # (container, key): where a string sits in a dump
Walk = Iterable[tuple[Slot, str]]


def _interaction_strings(d: dict[str, Any]) -> Walk:
    for m in d["messages"]:
        yield (m, "text"), m["text"]
        for a in m["attachments"]:
            yield (a, "text"), a["text"]
            if a["url"]:
                yield (a, "url"), a["url"]


def _run_strings(d: dict[str, Any]) -> Walk:
    yield (d, "task"), d["task"]
    if d["outcome"] and d["outcome"]["feedback"]:
        yield (d["outcome"], "feedback"), d["outcome"]["feedback"]
    for m in d["messages"]:
        if m["content"]:
            yield (m, "content"), m["content"]
        for call in m["tool_calls"]:
            yield from _leaves(call["function"]["arguments"])


def _leaves(container: Any) -> Walk:
    """Every string leaf of parsed JSON (tool-call arguments)."""
    items = container.items() if isinstance(container, dict) else enumerate(container)
    for key, value in items:
        if isinstance(value, str):
            yield (container, key), value
        elif isinstance(value, dict | list):
            yield from _leaves(value)


def restorer(graph: Graph, owner: str, settings: Settings | None = None) -> Callable[[str], str]:
    """Placeholders → originals for the owner's export; identity without a key (or values)."""
    v = vault(settings)
    values = stored_values(graph, owner) if v is not None else []
    if v is None or not values:
        return lambda text: text
    originals = {placeholder: v.decrypt(token) for placeholder, token in values}
    return lambda text: restore(text, originals)


def restored(value: Any, originals: Callable[[str], str]) -> Any:
    """``value`` (parsed JSON: an export line) with ``originals`` applied to every string."""
    if isinstance(value, str):
        return originals(value)
    if isinstance(value, dict):
        return {k: restored(v, originals) for k, v in value.items()}
    if isinstance(value, list):
        return [restored(v, originals) for v in value]
    return value


__all__ = ["Masker", "PiiKind", "masker", "restored", "restorer", "vault"]
