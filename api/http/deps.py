"""Auth and scoping shared by every route: who is calling, and whose memory they may touch.

API keys come from ``STRATA_API_KEYS`` (``key:tenant,key:tenant``) or ``STRATA_API_KEYS_FILE``
(one ``key:tenant`` per line, ``#`` comments). A key without ``:tenant`` belongs to the tenant
``default``. Each key is bound to one tenant; user ids live inside a tenant, and every statement
is scoped by the owner id ``<tenant>:<user_id>`` (tenants cannot contain ``:``, so owner ids of
different tenants never collide). With no keys configured the server runs in local mode: one
tenant named ``default``, loopback clients only.

The keys, the rate limiter and the Neo4j breaker live on ``app.state`` (set by ``create_app``),
so two apps in one process (tests) can hold different keys.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from strata.graph.db import Graph, get_graph
from strata.graph.errors import ConfigError, Forbidden, Unauthorized
from strata.graph.owners import LOCAL_TENANT, TENANT_PATTERN, USER_ID_PATTERN
from strata.graph.settings import Settings, get_settings

MIN_KEY_CHARS = 16


@dataclass(frozen=True)
class Caller:
    tenant: str
    local_mode: bool
    key_id: str  # a digest of the key (rate-limit bucket; never the key itself)


def load_api_keys(settings: Settings | None = None) -> dict[str, str]:
    """key → tenant from the settings; ``ConfigError`` names what is wrong (never the key)."""
    settings = settings or get_settings()
    entries = [p for p in settings.api_keys.split(",") if p.strip()]
    if settings.api_keys_file is not None:
        try:
            text = settings.api_keys_file.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read STRATA_API_KEYS_FILE: {e.strerror}") from e
        entries += [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    keys: dict[str, str] = {}
    for n, entry in enumerate(entries, 1):
        key, sep, tenant = entry.strip().rpartition(":")
        if not sep:
            key, tenant = tenant, LOCAL_TENANT
        if len(key) < MIN_KEY_CHARS or not re.match(TENANT_PATTERN, tenant):
            raise ConfigError(
                f"API key #{n}: use 'key:tenant' with a key of >= {MIN_KEY_CHARS} characters "
                "and a tenant of letters, digits, '_' or '-'"
            )
        keys[key] = tenant
    return keys


def is_loopback_host(host: str) -> bool:
    """True for loopback addresses and ``localhost``; any other name counts as reachable."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


# Declares the bearer scheme in OpenAPI (an Authorize button in /docs, the key in generated
# clients); the check below stays ours, so a missing key keeps the one error shape.
_BEARER = HTTPBearer(auto_error=False, description="An API key of your tenant.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)]


async def caller(request: Request, _bearer: BearerDep) -> Caller:
    """The tenant of the presented key (401 without one), or local mode's default tenant."""
    keys: dict[str, str] = request.app.state.api_keys
    if not keys:
        client = request.client
        if client is not None and not is_loopback_host(client.host):
            raise Forbidden("local mode (no API keys configured) serves loopback clients only")
        return Caller(tenant=LOCAL_TENANT, local_mode=True, key_id="local")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("send 'Authorization: Bearer <API key>'")
    presented = token.encode()
    found = None
    for key, tenant in keys.items():  # compare against every key: timing says nothing
        if hmac.compare_digest(key.encode(), presented):
            found = Caller(tenant, False, hashlib.sha256(key.encode()).hexdigest()[:16])
    if found is None:
        raise Unauthorized("unknown API key")
    return found


CallerDep = Annotated[Caller, Depends(caller)]
UserId = Annotated[
    str,
    Path(
        pattern=USER_ID_PATTERN,
        description="A user inside your tenant: 1-128 of letters, digits, '.', '_', '@', '-'.",
        examples=["alice"],
    ),
]


async def owner(user_id: UserId, who: CallerDep) -> str:
    """The owner id every statement filters on: the caller's tenant, then the user."""
    return f"{who.tenant}:{user_id}"


async def rate_limit(request: Request, who: CallerDep) -> None:
    """Spend one token of the caller's bucket (429 when empty)."""
    request.app.state.limiter.take(who.key_id)


async def graph_dep(request: Request) -> Graph:
    """The process graph, unless Neo4j is known to be down (then 503 at once)."""
    await request.app.state.breaker.check()
    return get_graph()


OwnerDep = Annotated[str, Depends(owner)]
GraphDep = Annotated[Graph, Depends(graph_dep)]
RateLimitDep = Depends(rate_limit)

__all__ = [
    "CallerDep",
    "Forbidden",
    "GraphDep",
    "OwnerDep",
    "RateLimitDep",
    "Unauthorized",
    "UserId",
]
