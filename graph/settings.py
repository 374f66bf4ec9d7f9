"""All Strata settings in one place, read from the environment (prefix ``STRATA_``).

Every command (ingest, search, serve, bench, neo4j) reads the same ``Settings``, so one set of
variables names one Neo4j instance. When ``STRATA_NEO4J_URI`` is set, Strata talks to that
external server and starts nothing locally.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".cache" / "strata" / "neo4j"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STRATA_", extra="ignore")

    # Local server (used when neo4j_uri is not set).
    neo4j_home: Path = Field(default_factory=_default_home)
    neo4j_artifacts: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "strata" / "artifacts",
        description="Where resolved Neo4j/GDS/APOC/Browser jars are cached (shared by homes).",
    )
    neo4j_bolt_port: int = 7687
    neo4j_http_port: int = 7474
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "1g"
    neo4j_java_home: Path | None = None
    neo4j_start_timeout: float = 180.0

    # Connection (external server when neo4j_uri is set).
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"

    # API.
    api_keys: str = ""
    api_keys_file: Path | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    # Extraction and embeddings.
    spacy_model: str | None = None
    embedder: str = "hashing"
    embedding_dim: int = 256
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_max_calls: int = 4

    @field_validator("neo4j_uri", "neo4j_password", "llm_base_url", "spacy_model", mode="before")
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        return None if v == "" else v

    @property
    def local(self) -> bool:
        """True when Strata manages its own Neo4j (no external URI)."""
        return self.neo4j_uri is None

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.neo4j_http_port}"

    @property
    def auth(self) -> tuple[str, str] | None:
        if self.neo4j_password is None or not self.neo4j_password.get_secret_value():
            return None
        return (self.neo4j_user, self.neo4j_password.get_secret_value())


@lru_cache
def get_settings() -> Settings:
    return Settings()
