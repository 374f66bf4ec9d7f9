"""Owner ids: the same checks for the CLI, the library, MCP and the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from strata.graph.errors import ValidationError
from strata.graph.owners import owner_id, user_key
from strata.ingest.models import stable_id


def test_owner_id_joins_checked_parts() -> None:
    assert owner_id("acme", "alice@example.com") == "acme:alice@example.com"


@pytest.mark.parametrize(
    ("tenant", "user", "where"),
    [
        ("x:y", "alice", "tenant"),
        ("a", "b:c", "user_id"),
        ("", "a", "tenant"),
        ("a", "", "user_id"),
        ("a b", "c", "tenant"),
        ("a", "c d", "user_id"),
        ("a" * 65, "c", "tenant"),
    ],
)
def test_malformed_parts_are_refused_and_named(tenant: str, user: str, where: str) -> None:
    with pytest.raises(ValidationError) as e:
        owner_id(tenant, user)
    assert e.value.where == where


def test_user_key_never_changes() -> None:
    """Stored in every indexed node: a new formula would hide all existing memory."""
    assert user_key("default:alice") == str(int(stable_id("user-key", "default:alice"), 16))


def test_the_cli_refuses_a_malformed_tenant_before_writing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from strata.api.cli import app

    path = tmp_path / "c.jsonl"
    path.write_text('{"user_id": "alice", "messages": [{"speaker": "Alice", "text": "hi"}]}\n')
    result = CliRunner().invoke(app, ["ingest", str(path), "--tenant", "x:y"])
    assert result.exit_code == 1
    assert "tenant 'x:y' must be" in result.output
