"""OpenAIEmbedder against the scripted OpenAI stand-in: probed dimension, normalised rows."""

from __future__ import annotations

from contextlib import closing

import numpy as np
import pytest
from fakes.openai_server import EMBEDDINGS, StubServer, embeddings, openai_stub

from strata.graph.errors import ConfigError
from strata.graph.settings import Settings
from strata.ingest.embed import OpenAIEmbedder, get_embedder

__all__ = ["openai_stub"]  # the imported fixture is used by name


def settings_for(stub: StubServer, embedder: str = "openai:stub-embed") -> Settings:
    return Settings(llm_base_url=stub.base_url, embedder=embedder)


def test_dimension_is_probed_and_named(openai_stub: StubServer) -> None:
    openai_stub.script_embeddings(embeddings([[0.1, 0.2, 0.3, 0.4]]))

    with closing(OpenAIEmbedder("stub-embed", settings_for(openai_stub))) as emb:
        assert emb.dim == 4
        assert emb.name == "openai:stub-embed:4"
    [probe] = openai_stub.received(EMBEDDINGS)
    assert probe["model"] == "stub-embed"


def test_rows_are_l2_normalised_in_input_order(openai_stub: StubServer) -> None:
    openai_stub.script_embeddings(
        embeddings([[1.0, 0.0, 0.0]]),
        embeddings([[3.0, 4.0, 0.0], [0.0, 0.0, -2.0], [0.0, 0.0, 0.0]]),
    )
    with closing(OpenAIEmbedder("stub-embed", settings_for(openai_stub))) as emb:
        rows = emb.embed(["first", "second", "empty"])

    assert rows.dtype == np.float32
    np.testing.assert_allclose(rows, [[0.6, 0.8, 0.0], [0.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    assert openai_stub.received(EMBEDDINGS)[-1]["input"] == ["first", "second", "empty"]


def test_get_embedder_builds_it_from_settings(openai_stub: StubServer) -> None:
    openai_stub.script_embeddings(embeddings([[0.5, 0.5]]))
    emb = get_embedder(settings_for(openai_stub, "openai:other-model"))
    assert isinstance(emb, OpenAIEmbedder)
    with closing(emb):
        assert emb.name == "openai:other-model:2"


def test_needs_a_base_url() -> None:
    with pytest.raises(ConfigError, match="STRATA_LLM_BASE_URL"):
        OpenAIEmbedder("stub-embed", Settings(llm_base_url=""))
