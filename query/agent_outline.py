"""The recommended action outline of a recall, built from past successful runs.

Public surface (stable): ``consensus(runs)`` and ``adapt_arguments(arguments, past, new)``.

- ``consensus``: the calls (name and arguments) that most of the given runs agree on (more than
  half of them; a single run is its own majority), in their usual order (mean relative position
  in the runs that made them). A call one run made and the others did not (a transfer with a
  free-text summary, a retry) drops out; a call made twice by most runs stays twice.
- ``adapt_arguments``: a past run's argument value that its task text mentioned (an order id, a
  reservation code) is replaced by the one value of the same shape the new task mentions and the
  past one did not ("refund order 3" -> "refund order 8": ``{"id": 3}`` -> ``{"id": 8}``). Values
  the past task did not mention, or with no single candidate in the new task, stay as they were.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

Call = tuple[str, dict[str, Any]]

# a value worth adapting: a word with a digit (order 7, HAT039, user_42) or a code in capitals
_ID = re.compile(r"\b(?=\w*\d)\w{1,40}\b|\b[A-Z][A-Z0-9]{4,39}\b")


def consensus(runs: Sequence[Sequence[Call]]) -> list[Call]:
    """The calls more than half of ``runs`` made (same name and arguments), in usual order."""
    count: Counter[tuple[str, str, int]] = Counter()
    where: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    example: dict[tuple[str, str, int], Call] = {}
    for calls in runs:
        seen: Counter[tuple[str, str]] = Counter()
        for i, (name, args) in enumerate(calls):
            base = (name, json.dumps(args, sort_keys=True))
            key = (*base, seen[base])
            seen[base] += 1
            count[key] += 1
            where[key].append(i / len(calls))
            example.setdefault(key, (name, args))
    kept = [k for k, n in count.items() if 2 * n > len(runs)]
    kept.sort(key=lambda k: (sum(where[k]) / len(where[k]), k))
    return [example[k] for k in kept]


def adapt_arguments(arguments: dict[str, Any], past_task: str, new_task: str) -> dict[str, Any]:
    """``arguments`` with the values the past task mentioned swapped for the new task's own."""
    past = set(_ID.findall(past_task))
    fresh = [t for t in dict.fromkeys(_ID.findall(new_task)) if t not in past]
    return {k: _adapt(v, past, fresh) for k, v in arguments.items()}


def _adapt(value: Any, past: set[str], fresh: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _adapt(v, past, fresh) for k, v in value.items()}
    if isinstance(value, list):
        return [_adapt(v, past, fresh) for v in value]
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    text = str(value)
    if text not in past:
        return value
    same = [t for t in fresh if _shape(t) == _shape(text)]
    if len(same) != 1:
        return value
    return int(same[0]) if isinstance(value, int) else same[0]


def _shape(token: str) -> str:
    if token.isdigit():
        return "9"  # a number: any length (order 7 -> order 12)
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", token)))
