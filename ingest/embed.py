"""Text embeddings behind one interface.

- ``hashing`` (default): no download, no model. Word uni/bi-grams hashed into 2^18 buckets with
  sublinear TF, then a seeded sparse random projection to ``dim`` dimensions (Johnson-Lindenstrauss:
  cosine between projections approximates cosine between the sparse vectors). Deterministic across
  processes and machines.
- ``sentence-transformers:<model>``: a local sentence-transformers model, when installed.
- ``openai:<model>``: any OpenAI-compatible ``/embeddings`` endpoint (``STRATA_LLM_BASE_URL``).

Every embedder returns L2-normalised ``float32`` rows. The database records which embedder
wrote its vectors; a different one is refused (graph.migrations).
"""

from __future__ import annotations

from functools import cached_property
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from strata.graph.errors import ConfigError
from strata.graph.settings import Settings

_BUCKETS = 2**18
_NNZ = 8


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.where(norms == 0, 1.0, norms)).astype(np.float32)


class HashingEmbedder:
    """Lexical embedding with no download: hashed n-grams → sparse random projection."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-v1-{dim}"
        self._vectorizer = HashingVectorizer(
            n_features=_BUCKETS,
            ngram_range=(1, 2),
            alternate_sign=False,
            norm=None,
            stop_words="english",
            dtype=np.float32,
        )
        self._all_words = HashingVectorizer(
            n_features=_BUCKETS,
            ngram_range=(1, 2),
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )

    @cached_property
    def _projection(self) -> sparse.csr_matrix:
        """Each bucket → ``_NNZ`` random components with random signs (a sparse JL projection).

        Built directly with a seeded numpy generator: sklearn's SparseRandomProjection takes
        ~3 s to draw a 2^18-column matrix, which every CLI start would pay.
        """
        rng = np.random.default_rng(20240501)
        rows = np.repeat(np.arange(_BUCKETS), _NNZ)
        cols = rng.integers(0, self.dim, size=_BUCKETS * _NNZ)
        vals = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=_BUCKETS * _NNZ)
        return sparse.csr_matrix((vals, (rows, cols)), shape=(_BUCKETS, self.dim))

    def embed(self, texts: list[str]) -> np.ndarray:
        """Rows are never zero: a text of only stop words falls back to all its words, and a
        text with no word at all to a fixed direction (vector indexes reject zero vectors)."""
        out = self._project(self._vectorizer, texts)
        empty = np.flatnonzero(~out.any(axis=1))
        if empty.size:
            out[empty] = self._project(self._all_words, [texts[i] for i in empty])
            still = empty[~out[empty].any(axis=1)]
            out[still] = 1.0
        return _normalise(out)

    def _project(self, vectorizer: HashingVectorizer, texts: list[str]) -> np.ndarray:
        counts = vectorizer.transform(texts)
        counts.data = 1.0 + np.log(counts.data)  # sublinear TF
        return np.asarray((counts @ self._projection).todense(), dtype=np.float32)


class SentenceTransformerEmbedder:
    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ConfigError("install strata-memory[models] for sentence-transformers") from e
        self._model = SentenceTransformer(model)
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        self.name = f"st:{model}"

    def embed(self, texts: list[str]) -> np.ndarray:
        return _normalise(np.asarray(self._model.encode(texts, batch_size=64)))


class OpenAIEmbedder:
    """An OpenAI-compatible embeddings endpoint; the dimension is probed once."""

    def __init__(self, model: str, settings: Settings) -> None:
        from openai import OpenAI

        if not settings.llm_base_url:
            raise ConfigError("openai embeddings need STRATA_LLM_BASE_URL")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "none"
        self._client = OpenAI(
            base_url=settings.llm_base_url, api_key=key, timeout=30, max_retries=2
        )
        self._model = model
        self.dim = len(self.embed(["dimension probe"])[0])
        self.name = f"openai:{model}:{self.dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        out = self._client.embeddings.create(model=self._model, input=texts)
        return _normalise(np.asarray([d.embedding for d in out.data], dtype=np.float32))

    def close(self) -> None:
        """Close the HTTP connections (the process's embedder lives as long as the process)."""
        self._client.close()


def get_embedder(settings: Settings) -> Embedder:
    kind, _, model = settings.embedder.partition(":")
    if kind == "hashing":
        return HashingEmbedder(settings.embedding_dim)
    if kind == "sentence-transformers" and model:
        return SentenceTransformerEmbedder(model)
    if kind == "openai" and model:
        return OpenAIEmbedder(model, settings)
    raise ConfigError(
        f"unknown STRATA_EMBEDDER {settings.embedder!r}: use hashing, "
        "sentence-transformers:<model> or openai:<model>"
    )
