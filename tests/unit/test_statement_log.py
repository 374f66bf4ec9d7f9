"""The diagnostics switches: extra neo4j.conf lines, and the per-statement time log."""

from __future__ import annotations

from pathlib import Path

import pytest

from strata.graph.errors import ConfigError
from strata.graph.local.conf import extra_conf
from strata.graph.statement_log import StatementLog, summarise


def test_extra_conf_lines_parse_and_a_bad_one_is_refused() -> None:
    assert extra_conf(" db.logs.query.enabled=INFO ; db.logs.query.threshold=0 ;") == {
        "db.logs.query.enabled": "INFO",
        "db.logs.query.threshold": "0",
    }
    assert extra_conf("") == {}
    with pytest.raises(ConfigError, match="key=value"):
        extra_conf("db.logs.query.enabled")


def test_transactions_are_summed_per_name_and_kind(tmp_path: Path) -> None:
    log = StatementLog(tmp_path / "statements.tsv")
    log.transaction(["ingest/lock_owners", "memory/clear_pending"], 30.0, [10.0, 5.0], 12.0)
    log.transaction(["ingest/lock_owners", "memory/clear_pending"], 20.0, [4.0, 6.0], 8.0)
    rows = {(k, n): (c, t) for k, n, c, t in summarise(log.path.read_text().splitlines())}
    key = "ingest/lock_owners+memory/clear_pending"
    assert rows[("tx", key)] == (2, 50.0)
    assert rows[("tx-commit", key)] == (2, 20.0)
    assert rows[("tx-lock", key)] == (2, 14.0)
    assert rows[("tx-other", key)] == (2, 5.0)


def test_nothing_is_written_when_unset(tmp_path: Path) -> None:
    StatementLog(None).transaction(["a"], 1.0, [1.0], 0.0)
    assert list(tmp_path.iterdir()) == []
