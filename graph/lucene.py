"""Builds Lucene queries from user text: only word tokens ever reach the parser.

User text is reduced to lower-case word tokens (so ``AND``/``OR``/``NOT`` lose their operator
meaning), each token is escaped anyway, and the owner's digits-only ``user_key`` is a required
clause: the full-text index itself never returns another user's node.

Besides one clause per content word, a question's memory query down-weights the names of the
people it asks about (they occur in every turn those people say, so they rank chatter, not
content) and adds a proximity clause for every two adjacent content words ("support group"
matches them within two positions), so a turn that says the phrase beats one that merely
shares both words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

_WORD = re.compile(r"\w+", re.UNICODE)
_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
MAX_TERMS = 48

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "if",
        "in",
        "into",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
        "what",
        "when",
        "where",
        "who",
        "whom",
        "which",
        "why",
        "how",
        "did",
        "do",
        "does",
        "has",
        "have",
        "had",
        "i",
        "you",
        "he",
        "she",
        "we",
        "me",
        "my",
        "your",
        "his",
        "her",
        "our",
        "us",
        "them",
        "its",
        "been",
        "being",
        "were",
        "would",
        "could",
        "should",
        "can",
        "about",
        "from",
        "than",
        "so",
        "some",
        "any",
        "all",
        "just",
        "also",
        "very",
        "much",
        "many",
    ]
)


def escape(term: str) -> str:
    return _SPECIAL.sub(r"\\\1", term)


def terms(text: str) -> list[str]:
    """Distinct lower-case content words, in order of appearance."""
    seen: dict[str, None] = {}
    for tok in _WORD.findall(text.lower()):
        if tok not in STOPWORDS and len(tok) > 1 and tok not in seen:
            seen[tok] = None
    return list(seen)[:MAX_TERMS]


def pairs(text: str) -> list[tuple[str, str]]:
    """Distinct adjacent pairs of content words, in order of appearance."""
    words = _WORD.findall(text.lower())
    seen: dict[tuple[str, str], None] = {}
    for a, b in itertools.pairwise(words):
        if a not in STOPWORDS and b not in STOPWORDS and (a, b) not in seen:
            seen[a, b] = None
    return list(seen)[:MAX_TERMS]


def for_user(
    user_key: str,
    text: str,
    field: str = "text",
    *,
    names: Iterable[str] = (),
    name_boost: float = 1.0,
    pair_boost: float = 0.0,
    context_boost: float = 0.0,
) -> str | None:
    """``+user_key:<key> +(field:t1 field:t2^b ... field:"t1 t2"~2^p ...)``, or None when the
    text has no content word. Words of ``names`` get ``name_boost``; with ``pair_boost`` > 0,
    adjacent content words also form a proximity clause with that boost."""
    words = terms(text)
    if not words:
        return None
    named = {w for n in names for w in terms(n)}
    clauses = [
        f"{field}:{escape(w)}" + (f"^{name_boost:g}" if w in named and name_boost != 1 else "")
        for w in words
    ]
    if context_boost > 0:  # the turn before a turn (a reply is found by its question's words)
        clauses += [f"context:{escape(w)}^{context_boost:g}" for w in words]
    if pair_boost > 0:
        clauses += [f'{field}:"{escape(a)} {escape(b)}"~2^{pair_boost:g}' for a, b in pairs(text)]
    return f"+user_key:{escape(user_key)} +({' '.join(clauses)})"


def names_for_user(user_key: str, text: str) -> str | None:
    """Entity-name lookup: every content word against names and aliases."""
    words = terms(text)
    if not words:
        return None
    body = " ".join(f"name:{escape(w)} aliases_text:{escape(w)}" for w in words)
    return f"+user_key:{escape(user_key)} +({body})"
