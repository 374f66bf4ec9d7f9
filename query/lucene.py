"""Builds Lucene queries from user text: only word tokens ever reach the parser.

User text is reduced to lower-case word tokens (so ``AND``/``OR``/``NOT`` lose their operator
meaning), each token is escaped anyway, and the owner's digits-only ``user_key`` is a required
clause: the full-text index itself never returns another user's node.
"""

from __future__ import annotations

import re

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


def for_user(user_key: str, text: str, field: str = "text") -> str | None:
    """``+user_key:<key> +(field:t1 field:t2 ...)``, or None when the text has no content word."""
    words = terms(text)
    if not words:
        return None
    body = " ".join(f"{field}:{escape(w)}" for w in words)
    return f"+user_key:{escape(user_key)} +({body})"


def names_for_user(user_key: str, text: str) -> str | None:
    """Entity-name lookup: every content word against names and aliases."""
    words = terms(text)
    if not words:
        return None
    body = " ".join(f"name:{escape(w)} aliases_text:{escape(w)}" for w in words)
    return f"+user_key:{escape(user_key)} +({body})"
