"""Neo4j lines: what STRATA_NEO4J_VERSION accepts, each line's POM, home and Java."""

from __future__ import annotations

import stat
from importlib import resources
from pathlib import Path

import pytest

from strata.graph import cypher
from strata.graph.errors import ConfigError
from strata.graph.local import java
from strata.graph.local.artifacts import pom_versions
from strata.graph.local.lines import LINES, line_for
from strata.graph.migrations import available
from strata.graph.settings import Settings


@pytest.mark.parametrize(
    ("named", "line"),
    [("5.26", "5.26"), ("5.26.24", "5.26"), ("2026.01", "2026.01"), ("2026.01.4", "2026.01")],
)
def test_a_line_is_named_by_itself_or_its_pinned_release(named: str, line: str) -> None:
    assert line_for(named).name == line


@pytest.mark.parametrize("named", ["5.25", "2026.01.3", "2026.08.1", "latest", ""])
def test_other_versions_are_refused_with_the_supported_ones(named: str) -> None:
    with pytest.raises(ConfigError, match=r"5\.26 \(5\.26\.24\), 2026\.01 \(2026\.01\.4\)"):
        line_for(named)


@pytest.mark.parametrize("name", list(LINES))
def test_each_lines_pom_resolves_exactly_the_versions_the_line_names(name: str) -> None:
    line = LINES[name]
    pom = resources.files("strata.graph").joinpath("local", line.pom).read_text()
    want = {"neo4j": line.neo4j, "gds": line.gds, "browser": line.browser}
    if line.apoc is not None:
        want["apoc"] = line.apoc
    assert pom_versions(pom) == want
    assert ("apoc" in pom) == (line.apoc is not None)


def test_each_line_has_its_own_default_home_and_a_named_home_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STRATA_NEO4J_HOME", raising=False)  # the defaults, whatever the shell has
    lts = Settings(neo4j_version="5.26").neo4j_home
    current = Settings(neo4j_version="2026.01.4").neo4j_home
    assert lts.name == "neo4j"
    assert current.name == "neo4j-2026.01"
    assert Settings(neo4j_version="2026.01", neo4j_home=tmp_path).neo4j_home == tmp_path


def _fake_jdk(root: Path, version: str) -> Path:
    """A JDK directory whose bin/java prints ``version`` the way java -version does."""
    binary = root / "bin" / "java"
    binary.parent.mkdir(parents=True)
    binary.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-01-01' >&2\n")
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    return root


def test_a_named_java_that_does_not_fit_is_one_clear_line(tmp_path: Path) -> None:
    old = _fake_jdk(tmp_path / "jdk17", "17.0.15")
    with pytest.raises(ConfigError) as e:
        java.find_java(line_for("2026.01"), old)
    assert str(e.value) == (
        f"Neo4j 2026.01.4 needs Java 21 or 25; STRATA_JAVA_HOME={old} has Java 17"
    )
    assert java.find_java(line_for("5.26"), old) == str(old / "bin" / "java")
    with pytest.raises(ConfigError, match="has no java binary"):
        java.find_java(line_for("5.26"), tmp_path / "nothing")


def test_the_first_fitting_java_is_taken_and_none_fitting_names_what_was_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jvms = tmp_path / "jvm"
    _fake_jdk(jvms / "openjdk-17", "17.0.15")
    _fake_jdk(jvms / "temurin-25", "25.0.1")
    monkeypatch.setattr(java, "JVM_ROOT", jvms)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert java.find_java(line_for("2026.01"), None) == str(jvms / "temurin-25" / "bin" / "java")
    assert java.find_java(line_for("5.26"), None) == str(jvms / "openjdk-17" / "bin" / "java")
    (jvms / "temurin-25" / "bin" / "java").unlink()
    with pytest.raises(ConfigError) as e:
        java.find_java(line_for("2026.01"), None)
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith("Neo4j 2026.01.4 needs Java 21 or 25; found: ")
    assert f"{jvms / 'openjdk-17' / 'bin' / 'java'} (17)" in message
    assert "STRATA_JAVA_HOME" in message


def test_only_2026_statements_and_migrations_need_filtered_vectors() -> None:
    needs = {n for n in cypher.all_names() if cypher.requires(n)}
    assert needs == {"query/seeds_filtered", "schema/apoc_version"}
    assert cypher.requires("schema/apoc_version") == {cypher.Capability.APOC}
    gated = {m.name: m.requires for m in available() if m.requires}
    assert gated == {"owner_vector_indexes": {cypher.Capability.VECTOR_FILTERS}}
