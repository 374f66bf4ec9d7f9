"""Rule-based extraction of entities, events, persona facts and queries from turns (no LLM).

Public API: ``Extractor`` (build once, call ``extract_many``) and ``normalise_key``. The
package is split by concern: ``lexicon`` (word lists), ``text`` (normalisation), ``entities``,
``facts``, ``events`` (events and queries) and ``pipeline`` (the spaCy pipeline and assembly).
"""

from strata.ingest.extract.pipeline import BLANK_MODEL, Extractor
from strata.ingest.extract.text import normalise_key

__all__ = ["BLANK_MODEL", "Extractor", "normalise_key"]
