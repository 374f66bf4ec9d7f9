"""Analytics routes and the dashboard that draws them.

- ``GET /v1/users/{user_id}/analytics``: one user's memory analytics (GDS PageRank and Leiden
  on a per-user projection, growth, facts over time, persona, scenes), cached per user until the
  next ingest changes it (``graph.analytics``).
- ``GET /v1/users/{user_id}/analytics/neighbourhood?center=``: an entity and the entities it is
  mentioned with, for the dashboard's graph view.
- ``GET /dashboard`` and ``GET /dashboard/assets/{name}``: a static page (no CDN, no build
  step) that calls the two routes above with the caller's Bearer key, like any client.

The HTTP schemas below are separate from the domain results in ``graph.analytics``; they are
filled from them attribute by attribute (``from_attributes``).
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from strata.api.http.deps import GraphDep, OwnerDep, RateLimitDep, UserId
from strata.api.http.routes import ERRORS
from strata.api.http.schemas import ErrorOut
from strata.graph.analytics import entity_neighbourhood, user_analytics
from strata.graph.errors import NotFound

router = APIRouter()

# The page may only load its own files and talk to its own origin: no CDN, no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CountsOut(_Out):
    """Memory units per granularity (active insights and scenes only)."""

    turns: int
    segments: int
    interactions: int
    facts: int
    insights: int
    scenes: int
    entities: int
    events: int
    queries: int
    flagged: int = Field(default=0, description="Turns flagged as instructions to an AI.")


class GrowthPointOut(_Out):
    period: str = Field(description="ISO date: the UTC day, or the Monday of the week.")
    turns: int
    interactions: int


class FactPointOut(_Out):
    period: str
    asserted: int = Field(description="Facts stated in the period (valid_from).")
    superseded: int = Field(description="Facts closed by a newer statement (valid_to).")
    conflicts: int = Field(description="Open contradictions whose later side is in the period.")


class FactTotalsOut(_Out):
    facts: int
    open: int
    superseded: int
    conflicts: int


class RankedEntityOut(_Out):
    id: str
    name: str
    kind: str
    score: float = Field(description="Weighted PageRank on the user's entity co-mention graph.")
    mentions: int = Field(description="Turns that mention the entity.")
    community: int | None = Field(description="Leiden community id (same graph).")


class CommunityOut(_Out):
    id: int
    size: int
    members: list[RankedEntityOut] = Field(description="Highest-ranked members, best first.")


class EntityGraphOut(_Out):
    nodes: int
    links: int
    communities: int


class FactStatusOut(_Out):
    """A persona fact as the analytics timeline shows it: its status over time."""

    id: str
    subject: str
    predicate: str
    object: str
    polarity: bool
    confidence: float | None
    valid_from: str | None
    valid_to: str | None
    text: str
    superseded_by: str | None = Field(description="The newer value that replaced this one.")
    status: str = Field(description="current | superseded | conflict")


class ConflictSideOut(_Out):
    id: str
    object: str
    polarity: bool
    valid_from: str | None
    text: str
    turn_id: str | None


class ConflictOut(_Out):
    subject: str
    predicate: str
    a: ConflictSideOut
    b: ConflictSideOut


class SceneOut(_Out):
    id: str
    text: str
    size: int
    members: dict[str, int] = Field(description="Members per granularity (Segment, Fact, ...).")
    entities: list[str]


class ScenesOut(_Out):
    count: int
    members: int
    largest: int
    mean_size: float
    top: list[SceneOut]


class AnalyticsOut(_Out):
    """One user's memory analytics."""

    user_id: str
    computed_at: datetime
    cached: bool = Field(description="True when served from the per-user cache.")
    counts: CountsOut
    growth_daily: list[GrowthPointOut]
    growth_weekly: list[GrowthPointOut]
    facts_daily: list[FactPointOut]
    facts_weekly: list[FactPointOut]
    fact_totals: FactTotalsOut
    top_entities: list[RankedEntityOut]
    communities: list[CommunityOut]
    entity_graph: EntityGraphOut
    persona: list[FactStatusOut]
    conflicts: list[ConflictOut]
    scenes: ScenesOut
    timings_ms: dict[str, float] = Field(description="Server time per stage of the computation.")


class NeighbourOut(_Out):
    id: str
    name: str
    kind: str
    weight: int = Field(description="Turns shared with the center (for the center: mentions).")


class LinkOut(_Out):
    source: str
    target: str
    weight: int


class NeighbourhoodOut(_Out):
    center: NeighbourOut
    nodes: list[NeighbourOut]
    links: list[LinkOut]


# The API's shared error answers (auth, local mode, rate limit, breaker), plus our 404.
_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": ErrorOut, "description": "Nothing stored for this user, or no such entity."},
}


@router.get(
    "/v1/users/{user_id}/analytics",
    response_model=AnalyticsOut,
    tags=["analytics"],
    responses=_ERRORS,
    dependencies=[RateLimitDep],
)
def get_analytics(
    user_id: UserId,
    owner: OwnerDep,
    graph: GraphDep,
    refresh: Annotated[bool, Query(description="Recompute even if the cache is fresh.")] = False,
) -> AnalyticsOut:
    """Growth, granularity counts, top entities (PageRank), communities (Leiden), persona
    with conflicts, facts over time and scenes for one user. GDS runs on a projection of this
    user's entities only; results are cached until the user's memory changes."""
    result = user_analytics(graph, owner, refresh=refresh)
    fields = {
        name: getattr(result, name) for name in AnalyticsOut.model_fields if name != "user_id"
    }
    # The owner id embeds the tenant; the caller only ever sees its own user id.
    return AnalyticsOut.model_validate({"user_id": user_id, **fields}, from_attributes=True)


@router.get(
    "/v1/users/{user_id}/analytics/neighbourhood",
    response_model=NeighbourhoodOut,
    tags=["analytics"],
    responses=_ERRORS,
    dependencies=[RateLimitDep],
)
def get_neighbourhood(
    owner: OwnerDep,
    graph: GraphDep,
    center: Annotated[str, Query(min_length=1, max_length=200, description="Entity id or name.")],
    limit: Annotated[int, Query(ge=1, le=100, description="Most co-mentioned neighbours.")] = 25,
) -> NeighbourhoodOut:
    """An entity and the entities mentioned in the same turns, with the links among them."""
    return NeighbourhoodOut.model_validate(entity_neighbourhood(graph, owner, center, limit))


@router.api_route("/dashboard", methods=["GET", "HEAD"], include_in_schema=False)
def dashboard() -> Response:
    """The dashboard page (static; it calls the API with the key the user enters)."""
    return _static("index.html", "text/html; charset=utf-8")


@router.api_route("/dashboard/assets/{name}", methods=["GET", "HEAD"], include_in_schema=False)
def dashboard_asset(name: str) -> Response:
    if name not in ASSETS:  # a fixed allow-list: no path is ever built from the request
        raise NotFound(f"no dashboard asset {name!r}")
    return _static(name, ASSETS[name])


def _static(name: str, media_type: str) -> Response:
    body = resources.files("strata.api").joinpath("static", "dashboard", name).read_bytes()
    headers = {
        "Content-Security-Policy": CSP,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    return Response(body, media_type=media_type, headers=headers)
