"""What a local Neo4j runs with: the JVM options and the ``neo4j.conf`` of a home.

Invariants: every address the server listens on is loopback; the artifact cache is only read
(``lib/`` and ``plugins/``), everything the server writes goes under the home;
``STRATA_NEO4J_CONF`` entries come last, so they override ours.
"""

from __future__ import annotations

from pathlib import Path

from strata.graph.errors import ConfigError
from strata.graph.settings import Settings

# The JVM options Neo4j ships in neo4j.conf (bin/neo4j would add them), the same on both lines.
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


def neo4j_conf(s: Settings, home: Path, artifacts: Path) -> dict[str, str]:
    """The ``neo4j.conf`` entries of a home served from ``artifacts``."""
    return {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{s.neo4j_bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{s.neo4j_bolt_port}",
        "server.http.listen_address": f"127.0.0.1:{s.neo4j_http_port}",
        "server.http.advertised_address": f"127.0.0.1:{s.neo4j_http_port}",
        "server.https.enabled": "false",
        "server.directories.lib": str(artifacts / "lib"),
        "server.directories.plugins": str(artifacts / "plugins"),
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.directories.import": str(home / "import"),
        "dbms.security.auth_enabled": "true" if s.auth else "false",
        "dbms.security.procedures.unrestricted": "gds.*,apoc.*",  # no APOC on 2026.01
        "dbms.security.procedures.allowlist": "gds.*,apoc.*,db.*,dbms.*",
        "server.memory.heap.initial_size": s.neo4j_heap,
        "server.memory.heap.max_size": s.neo4j_heap,
        "server.memory.pagecache.size": s.neo4j_pagecache,
        "dbms.usage_report.enabled": "false",
        "db.tx_log.rotation.retention_policy": "1 days",
        **extra_conf(s.neo4j_conf),
    }


def extra_conf(text: str) -> dict[str, str]:
    """``STRATA_NEO4J_CONF`` ("key=value;key=value") as neo4j.conf entries."""
    out: dict[str, str] = {}
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"STRATA_NEO4J_CONF: expected key=value, got {item!r}")
        out[key.strip()] = value.strip()
    return out
