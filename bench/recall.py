"""Recall@k and BM25 ranking shared by the retrieval benchmarks (locomo, realmem, chats)."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from rank_bm25 import BM25Okapi

_TOKEN = re.compile(r"\w+")
KS = (5, 10)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def recall(gold: frozenset[str], found: Sequence[str]) -> float:
    """|gold ∩ found| / |gold| (``found``: the top-k already cut)."""
    return len(gold & set(found)) / len(gold)


def by_group(rows: Iterable[tuple[Iterable[str], frozenset[str], Sequence[str]]]) -> dict[str, Any]:
    """Rows of (groups, gold, ranked ids) → {group: {n, R@5, R@10}}, averaged per group."""
    acc: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for groups, gold, ranked in rows:
        row = tuple(recall(gold, ranked[:k]) for k in KS)
        for g in groups:
            acc[g].append(row)
    return {g: _means(r) for g, r in sorted(acc.items())}


def _means(rows: list[tuple[float, ...]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(rows)}
    for i, k in enumerate(KS):
        out[f"R@{k}"] = round(statistics.fmean(x[i] for x in rows), 3)
    return out


class Bm25:
    """rank-bm25 over one user's documents; ``rank`` returns their ids, best first."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.ids = list(ids)
        self.index = BM25Okapi([tokens(t) for t in texts])

    def rank(self, query: str, n: int) -> list[str]:
        s = self.index.get_scores(tokens(query))
        return [self.ids[i] for i in sorted(range(len(self.ids)), key=lambda i: -s[i])[:n]]
