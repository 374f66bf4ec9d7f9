"""The Neo4j lines the local server can run: 5.26 LTS and the 2026.01 calendar release.

``STRATA_NEO4J_VERSION`` names a line (``5.26``, ``2026.01``) or its pinned release
(``5.26.24``, ``2026.01.4``). Each line pins every artifact to versions that were run together
(GDS patches are built against one Neo4j patch), so other patches are refused, not guessed.

Invariants: a line's POM (next to this file) holds exactly the versions listed here (a unit
test compares them); APOC exists only up to 5.26, so no Strata statement needs it; the Browser
jar stops at 5.24.0 on Maven Central and is served by both lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from strata.graph.errors import ConfigError


@dataclass(frozen=True)
class Line:
    """One supported Neo4j line and the artifacts and Java it runs with."""

    name: str
    neo4j: str
    gds: str
    apoc: str | None
    browser: str
    java: tuple[int, ...]  # Java majors the line supports
    entry_point: str  # the server's main class
    pom: str  # the POM file next to this module
    home_suffix: str  # the default home is ~/.cache/strata/neo4j<suffix>

    def describe_java(self) -> str:
        return " or ".join(str(j) for j in self.java)


LINES: dict[str, Line] = {
    "5.26": Line(
        name="5.26",
        neo4j="5.26.24",
        gds="2.13.9",
        apoc="5.26.19",
        browser="5.24.0",
        java=(17, 21),
        entry_point="org.neo4j.server.CommunityEntryPoint",
        pom="pom.xml",
        home_suffix="",
    ),
    "2026.01": Line(
        name="2026.01",
        neo4j="2026.01.4",
        gds="2.26.0",
        apoc=None,
        browser="5.24.0",
        java=(21, 25),
        entry_point="org.neo4j.server.Neo4jCommunity",
        pom="pom-2026.01.xml",
        home_suffix="-2026.01",
    ),
}
DEFAULT_LINE = "5.26"
ENTRY_POINTS = frozenset(line.entry_point for line in LINES.values())


def line_for(version: str) -> Line:
    """The line ``version`` names (a line or its pinned release); a clear error otherwise."""
    for line in LINES.values():
        if version.strip() in (line.name, line.neo4j):
            return line
    known = ", ".join(f"{line.name} ({line.neo4j})" for line in LINES.values())
    raise ConfigError(f"STRATA_NEO4J_VERSION={version!r} is not a supported line; use {known}")
