"""Which Java runs the local server: the first that the Neo4j line supports.

Order: ``STRATA_JAVA_HOME`` (strict: when it is named it must fit, nothing else is tried),
``JAVA_HOME``, ``java`` on the PATH, then every JDK under ``/usr/lib/jvm`` (newest first, so
the Temurin JDK 25 of these machines serves 2026.01 while Debian's OpenJDK 17 serves 5.26).
When none fits, one line says which Java the line needs and what was found.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from strata.graph.errors import ConfigError
from strata.graph.local.lines import Line

JVM_ROOT = Path("/usr/lib/jvm")


def find_java(line: Line, named: Path | None) -> str:
    """The path of a ``java`` binary of a major version ``line`` supports."""
    if named is not None:
        binary = str(named.expanduser() / "bin" / "java")
        major = major_of(binary)
        if major not in line.java:
            found = f"Java {major}" if major else "no java binary"
            raise ConfigError(
                f"Neo4j {line.neo4j} needs Java {line.describe_java()}; STRATA_JAVA_HOME={named} "
                f"has {found}"
            )
        return binary
    seen: dict[str, int] = {}
    for candidate in _candidates():
        key = str(Path(candidate).resolve()) if Path(candidate).exists() else candidate
        if key in seen:
            continue
        seen[key] = major_of(candidate)
        if seen[key] in line.java:
            return candidate
    found = ", ".join(f"{j} ({m or '?'})" for j, m in seen.items()) or "none"
    raise ConfigError(
        f"Neo4j {line.neo4j} needs Java {line.describe_java()}; found: {found}; "
        "set STRATA_JAVA_HOME to such a JDK (or choose another STRATA_NEO4J_VERSION)"
    )


def _candidates() -> list[str]:
    found = []
    if os.environ.get("JAVA_HOME"):
        found.append(str(Path(os.environ["JAVA_HOME"]) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    jdks = [p for p in JVM_ROOT.glob("*/bin/java") if p.is_file()] if JVM_ROOT.is_dir() else []
    found += [str(p) for p in sorted(jdks, key=lambda p: (major_of(str(p)), str(p)), reverse=True)]
    return found


@cache
def major_of(java: str) -> int:
    """The major version of the ``java`` binary at ``java`` (0 when it does not run)."""
    if not Path(java).is_file():
        return 0
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr)
    if not m:
        return 0
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8
