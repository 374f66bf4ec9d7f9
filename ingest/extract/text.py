"""Text helpers shared by the extractor: key normalisation, object cleaning and known people.

Invariants:

* ``normalise_key`` is deterministic and idempotent: NFKC, casefold, apostrophes dropped, other
  punctuation turned into spaces, leading "the/my/a/an/our" stripped (unless nothing else is
  left), whitespace collapsed. Two spellings that differ only in case, punctuation or those
  leading words get the same key, which is what entity resolution merges on.
* ``clean_text`` maps typographic quotes to ASCII one character for one character, so character
  offsets found in the cleaned text are valid in the original.
* Objects are cut at the first clause boundary and never exceed ``MAX_OBJECT_TOKENS`` words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from strata.ingest.extract.lexicon import PRONOUN_OBJECTS, words
from strata.ingest.models import EntityKind, EntityRef

MAX_OBJECT_TOKENS = 6

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_NON_WORD = re.compile(r"[^\w\s]|_")
_LEADING = frozenset({"the", "my", "a", "an", "our"})

# Where an object phrase ends: clause punctuation, subordinators, fillers, sentence adverbs.
_OBJECT_END = re.compile(
    r"[.!?;:()\[\]\"]|\s?[-\u2013\u2014]\s|\s+(?:but|because|cause|'cause|since|when|whenever"
    r"|while|which|who|whom|that|where|though|although|if|unless|until|before|after|named|called"
    r"|from|so|as\s+well|anymore|any\s+more|lol|haha+|more\s+than|than|tbh|honestly|really"
    r"|originally|at|like|back\s+(?:in|at|home|then)|in\s+(?:my|the)\s+free\s+time)\b"
    r"|(?:^|\s+)(?:right\s+now|these\s+days|at\s+the\s+moment|nowadays|lately|too|either|now"
    r"|again|a\s+lot|so\s+much|very\s+much|every\s+day|everyday|all\s+the\s+time)\b",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r"\s*,\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&|plus)\s+", re.IGNORECASE)
# Determiners in any case; soft adjectives only in lower case ("New York" keeps its "New").
_LEADING_WORDS = re.compile(
    r"^(?:(?:a|an|the|some|any|several|my\s+own|our\s+own|to|about"
    r"|(?-i:brand\s+new|new|cute|adorable|lovely|beautiful|sweet|just|really|also|simply"
    r"|actually))\s+)+",
    re.IGNORECASE,
)
_NOT_OBJECT_START = words(
    "i|we|you|he|she|they|i'm|you're|youre|we're|they're|theyre|he's|she's|it's|em|'em|of|like|"
    "for|with|is|are|was|were|has|have|had|be|been|will|would|can|could|should|and|or|but|so|"
    "my|your|his|her|our|their|ever|never|not"
)
_NO_LEADING = re.compile(r"^no\s+", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Typographic quotes to ASCII, one character for one (offsets stay valid)."""
    return text.translate(_QUOTES)


@lru_cache(maxsize=65_536)
def normalise_key(text: str) -> str:
    """The resolution key of a name: see the module invariants."""
    t = unicodedata.normalize("NFKC", clean_text(text)).casefold().replace("'", "")
    words = _NON_WORD.sub(" ", t).split()
    while len(words) > 1 and words[0] in _LEADING:
        words.pop(0)
    return " ".join(words)


def person_ref(name: str) -> EntityRef:
    return EntityRef(name=name, kind=EntityKind.PERSON, key=normalise_key(name))


def unique_by_key(refs: Iterable[EntityRef]) -> list[EntityRef]:
    """Refs with a non-empty key, first occurrence of each key only, order kept."""
    seen: set[str] = set()
    out: list[EntityRef] = []
    for r in refs:
        if r.key and r.key not in seen:
            seen.add(r.key)
            out.append(r)
    return out


def cut_object(raw: str) -> str:
    """The object phrase up to its first boundary, with surrounding space and commas trimmed."""
    raw = raw.lstrip(' "')  # an opening quote: 'I live in "Paris"' names Paris
    m = _OBJECT_END.search(raw)
    return (raw[: m.start()] if m else raw).strip(" ,'\"-")


def split_items(phrase: str) -> list[str]:
    """Coordinated items of an object phrase ("hiking, camping and painting" -> three)."""
    return [p for p in _COORDINATION.split(phrase) if p.strip()]


def first_item(phrase: str) -> str:
    items = split_items(phrase)
    return items[0] if items else ""


def tidy_object(item: str) -> tuple[str, bool]:
    """Strip determiners and soft adjectives from one item; ``True`` if it said "no X"."""
    item = item.strip(" ,'\"-")
    negated = bool(_NO_LEADING.match(item))
    item = _NO_LEADING.sub("", item)
    item = _LEADING_WORDS.sub("", item)
    words = item.split()[:MAX_OBJECT_TOKENS]
    return " ".join(words), negated


def usable_object(obj: str) -> bool:
    """Reject empty objects, pronouns ("I love it") and objects that start a new clause."""
    words = obj.lower().split()
    return bool(words) and words[0] not in PRONOUN_OBJECTS and words[0] not in _NOT_OBJECT_START


class People:
    """Known people (speakers and names given by the caller), looked up by one token.

    A token matches a known person when it equals (case-insensitively) the full name, the first
    name, or, when capitalised and at least three letters long, a prefix of exactly one known
    first name ("Mel" -> "Melanie"). Ambiguous first names and prefixes match nobody.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self._index: dict[str, str | None] = {}
        self._prefixes: dict[str, str | None] = {}
        for raw in names:
            name = " ".join(raw.split())
            if not name:
                continue
            self._add(self._index, name.casefold(), name)
            first = name.split()[0].casefold()
            if first != name.casefold():
                self._add(self._index, first, name)
            for n in range(3, len(first)):
                self._add(self._prefixes, first[:n], name)

    @staticmethod
    def _add(index: dict[str, str | None], key: str, name: str) -> None:
        if key in index and index[key] != name:
            index[key] = None  # ambiguous: two people share it
        else:
            index[key] = name

    def match(self, token: str) -> str | None:
        """The canonical name ``token`` refers to, or ``None``."""
        key = token.casefold()
        hit = self._index.get(key)
        if hit is None and token[:1].isupper() and len(token) >= 3:
            hit = self._prefixes.get(key)
        return hit
