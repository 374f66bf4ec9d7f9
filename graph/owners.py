"""Owner ids: every node and statement is scoped by ``<tenant>:<user>``.

One definition for the CLI, the library, the MCP server and the HTTP API, so the same pair of
names always makes the same owner and no two pairs collide: tenants cannot contain ``:``, user
ids cannot either, and both are checked here before anything is read or written.
"""

from __future__ import annotations

import hashlib
import re

from strata.graph.errors import ValidationError

LOCAL_TENANT = "default"
TENANT_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
USER_ID_PATTERN = r"^[A-Za-z0-9._@-]{1,128}$"
_TENANT = re.compile(TENANT_PATTERN)
_USER = re.compile(USER_ID_PATTERN)


def check_tenant(tenant: str) -> str:
    if not _TENANT.match(tenant):
        raise ValidationError(
            f"tenant {tenant!r} must be 1-64 letters, digits, '_' or '-'", where="tenant"
        )
    return tenant


def owner_id(tenant: str, user_id: str) -> str:
    """``<tenant>:<user>`` after checking both parts (``ValidationError`` names the bad one)."""
    check_tenant(tenant)
    if not _USER.match(user_id):
        raise ValidationError(
            f"user id {user_id!r} must be 1-128 letters, digits, '.', '_', '@' or '-'",
            where="user_id",
        )
    return f"{tenant}:{user_id}"


def user_key(owner: str) -> str:
    """A digits-only token of the owner id, indexed in full text so Lucene filters by owner.

    Stored in every indexed node: the formula must never change (a test pins it).
    """
    digest = hashlib.blake2b(f"user-key\x1f{owner}".encode(), digest_size=12).hexdigest()
    return str(int(digest, 16))
