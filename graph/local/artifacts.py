"""A line's jars, resolved from Maven Central by its POM into the artifact cache.

An artifact directory holds ``lib/`` (the server and its libraries), ``plugins/`` (GDS and
APOC procedures) and ``versions.json``; it appears whole or not at all (built in a
``.partial`` sibling, then renamed), so a failed or interrupted fetch leaves nothing that
passes for installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from strata.graph.errors import ConfigError, Neo4jUnavailable

PLUGIN_GROUPS = ("org.neo4j.gds.", "org.neo4j.procedure.")


def fetch_artifacts(pom_xml: bytes, artifacts: Path) -> None:
    """Resolve the POM's dependencies with Maven into ``artifacts`` (replacing what is there)."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigError("Maven (mvn) is needed to fetch Neo4j; install it or use Docker")
    staging = artifacts.with_name(artifacts.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    pom = staging / "pom.xml"
    pom.parent.mkdir(parents=True)
    pom.write_bytes(pom_xml)
    cmd = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-Dmdep.prependGroupId=true",
        f"-DoutputDirectory={staging / 'all'}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise Neo4jUnavailable(f"Maven could not fetch Neo4j:\n{done.stdout[-3000:]}")
    for sub in ("lib", "plugins"):
        (staging / sub).mkdir()
    for jar in (staging / "all").iterdir():
        sub = "plugins" if jar.name.startswith(PLUGIN_GROUPS) else "lib"
        jar.rename(staging / sub / jar.name)
    (staging / "all").rmdir()
    (staging / "versions.json").write_text(json.dumps(pom_versions(pom.read_text())))
    shutil.rmtree(artifacts, ignore_errors=True)
    staging.rename(artifacts)


def pom_versions(pom: str) -> dict[str, str]:
    """The component versions a POM pins (``apoc`` only where the line has it)."""
    found = dict(re.findall(r"<(\w+)\.version>([^<]+)<", pom))
    return {k: found[k] for k in ("neo4j", "gds", "apoc", "browser") if k in found}
