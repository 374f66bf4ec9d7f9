"""All Strata settings in one place, read from the environment (prefix ``STRATA_``).

Every command (ingest, search, serve, bench, neo4j) reads the same ``Settings``, so one set of
variables names one Neo4j instance. When ``STRATA_NEO4J_URI`` is set, Strata talks to that
external server and starts nothing locally.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from strata.graph.local.lines import line_for


def _default_home(suffix: str = "") -> Path:
    return Path.home() / ".cache" / "strata" / f"neo4j{suffix}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STRATA_", extra="ignore", populate_by_name=True)

    # Local server (used when neo4j_uri is not set). The line (5.26 or 2026.01, see
    # graph/local/lines.py) picks the artifacts, the Java and the default home.
    neo4j_version: str = "5.26"
    neo4j_home: Path = Field(default_factory=_default_home)
    neo4j_artifacts: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "strata" / "artifacts",
        description="Where resolved Neo4j/GDS/APOC/Browser jars are cached (shared by homes).",
    )
    neo4j_bolt_port: int = 7687
    neo4j_http_port: int = 7474
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "1g"
    neo4j_java_home: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("STRATA_JAVA_HOME", "STRATA_NEO4J_JAVA_HOME"),
        description="The JDK the local server runs on (else JAVA_HOME, PATH, /usr/lib/jvm).",
    )
    neo4j_start_timeout: float = 180.0
    # Extra neo4j.conf lines for the local server, "key=value;key=value" (diagnostics such as
    # the query log: "db.logs.query.enabled=INFO;db.logs.query.threshold=0"). They are written
    # after Strata's own settings and override them.
    neo4j_conf: str = ""
    # Diagnostics: append Neo4j's time per named statement to this file (graph/statement_log.py).
    statement_log: Path | None = None

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
    # Background enrichment of acknowledged writes: a child process of the server at a lower
    # CPU priority (its extraction and clustering never hold the server's GIL), or a thread.
    enrichment: Literal["process", "thread"] = "process"
    # While searches are running or queued, enrichment takes at most this share of the time
    # (searches first; the backlog drains when they pause). 1: no pacing.
    enrichment_busy_share: float = Field(default=0.25, gt=0, le=1)
    # While searches are running or queued, the group commit waits up to this long for more
    # acknowledged writes before it commits (fewer commits and index refreshes; 0: never).
    commit_linger_ms: int = Field(default=100, ge=0, le=1000)
    # Searches the server runs at once (one tenant gets half; default two per core): searches
    # are CPU work in Neo4j and the server, so more at once only time-share the same cores,
    # and an acknowledgement's commit waits behind all of them (docs/benchmarks.md, Load).
    search_concurrency: int = Field(default_factory=lambda: 2 * (os.cpu_count() or 2), ge=1)

    # Extraction and embeddings.
    spacy_model: str | None = None
    embedder: str = "hashing"
    embedding_dim: int = 256
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    llm_max_calls: int = 4

    # Personal data (ingest/pii.py): "mask" stores typed placeholders instead of emails, phone
    # numbers, card numbers, IBANs, SSNs and street addresses; the originals only encrypted with
    # pii_key, a Fernet key kept outside Neo4j (the export restores them when it is set).
    pii: Literal["off", "mask"] = "off"
    pii_key: SecretStr | None = None

    @field_validator(
        "neo4j_uri",
        "neo4j_password",
        "llm_base_url",
        "spacy_model",
        "pii_key",
        "statement_log",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        return None if v == "" else v

    @field_validator("neo4j_version", mode="before")
    @classmethod
    def _default_line(cls, v: object) -> object:
        return "5.26" if v in (None, "") else v

    @model_validator(mode="after")
    def _home_per_line(self) -> Settings:
        """Each line gets its own default home: a store written by one line is never opened by
        another (a newer line would upgrade it for good)."""
        if "neo4j_home" not in self.model_fields_set:
            self.neo4j_home = _default_home(line_for(self.neo4j_version).home_suffix)
        return self

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
