"""Auth and scoping shared by every route: who is calling, and whose memory they may touch.

API keys come from ``STRATA_API_KEYS`` (``key:tenant,key:tenant``) or ``STRATA_API_KEYS_FILE``
(one ``key:tenant`` per line). Each key is bound to one tenant; user ids live inside a tenant,
and every statement is scoped by the owner id ``<tenant>:<user_id>``. With no keys configured
the server runs in local mode: loopback only, one tenant named ``default``.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from functools import cache
from typing import Annotated

from fastapi import Depends, Path, Request

from graph.db import Graph, get_graph
from graph.errors import ConfigError, Forbidden, StrataError, ValidationError
from graph.settings import Settings, get_settings

LOCAL_TENANT = "default"
_TENANT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
USER_ID_PATTERN = r"^[A-Za-z0-9._@-]{1,128}$"


class Unauthorized(StrataError):
    """No or unknown API key (→ 401)."""


@dataclass(frozen=True)
class Caller:
    tenant: str
    local_mode: bool


@cache
def api_keys(settings: Settings | None = None) -> dict[str, str]:
    """key → tenant, from settings (validated once)."""
    settings = settings or get_settings()
    pairs = [p for p in settings.api_keys.split(",") if p.strip()]
    if settings.api_keys_file is not None:
        try:
            text = settings.api_keys_file.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read STRATA_API_KEYS_FILE: {e.strerror}") from e
        pairs += [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    keys: dict[str, str] = {}
    for pair in pairs:
        key, sep, tenant = pair.strip().rpartition(":")
        if not sep or len(key) < 16 or not _TENANT.match(tenant):
            raise ConfigError("each API key must be 'key:tenant' with a key of >= 16 characters")
        keys[key] = tenant
    return keys


def caller(request: Request) -> Caller:
    keys = api_keys()
    if not keys:
        return Caller(tenant=LOCAL_TENANT, local_mode=True)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <API key>'")
    for key, tenant in keys.items():
        if hmac.compare_digest(key.encode(), token.strip().encode()):
            return Caller(tenant=tenant, local_mode=False)
    raise Unauthorized("unknown API key")


CallerDep = Annotated[Caller, Depends(caller)]
UserId = Annotated[str, Path(pattern=USER_ID_PATTERN, description="A user inside your tenant.")]


def owner(user_id: UserId, who: CallerDep) -> str:
    """The owner id every statement filters on: the caller's tenant, then the user."""
    if not re.match(USER_ID_PATTERN, user_id):
        raise ValidationError("bad user id")
    return f"{who.tenant}:{user_id}"


def graph_dep() -> Graph:
    return get_graph()


OwnerDep = Annotated[str, Depends(owner)]
GraphDep = Annotated[Graph, Depends(graph_dep)]

__all__ = ["CallerDep", "Forbidden", "GraphDep", "OwnerDep", "Unauthorized", "UserId"]
