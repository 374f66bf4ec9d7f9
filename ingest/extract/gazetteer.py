"""The spaCy component that marks gazetteer places and known organisations as entities.

A ``PhraseMatcher`` over exact spellings ("Turkey" is a place, "turkey" is not), registered as
the ``strata_gazetteer`` factory. It does what an ``EntityRuler`` with phrase patterns does at
about twice the speed, because it skips the ruler's token-pattern matcher. Overlaps keep the
longest match ("New York City" over "New York"); place names that are also first names get the
label ``PLACE_AMBIG`` and are decided by context in ``entities``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from strata.ingest.extract.lexicon import AMBIGUOUS_PLACES, KNOWN_ORGS, PLACES

AMBIGUOUS_LABEL = "PLACE_AMBIG"
COMPONENT = "strata_gazetteer"
PHRASES: dict[str, frozenset[str]] = {
    "PLACE": PLACES,
    AMBIGUOUS_LABEL: AMBIGUOUS_PLACES,
    "ORG": KNOWN_ORGS,
}


class Gazetteer:
    """Sets ``doc.ents`` to the longest non-overlapping gazetteer matches."""

    def __init__(self, nlp: Language) -> None:
        self._matcher = PhraseMatcher(nlp.vocab)
        for label, phrases in PHRASES.items():
            self._matcher.add(label, [nlp.make_doc(p) for p in sorted(phrases)])

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = self._matcher(doc, as_spans=True)
        if spans:
            doc.ents = filter_spans([*doc.ents, *spans])
        return doc


@Language.factory(COMPONENT)
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    return Gazetteer(nlp)
