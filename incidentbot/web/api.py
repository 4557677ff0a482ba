"""The JSON API: `GET /api/incidents` (newest first, paged) and `GET /api/incidents/{id}` with its timeline."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from incidentbot.domain.incident_id import parse_id
from incidentbot.messages.serialize import action_json, incident_json, timeline_json
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.web.auth import token_required

MAX_LIMIT = 1000
MAX_TIMELINE_LIMIT = 5000
# Events an incident's JSON carries unless asked for a page: every event of any ordinary incident, while one
# with 5,000 still answers in milliseconds (the rest is a `before=` away).
DEFAULT_TIMELINE = 500


@token_required()
async def api_incidents(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    status = request.query_params.get("status")
    if status not in (None, "", "open", "all"):
        return JSONResponse({"error": "status must be `open` or `all`"}, status_code=400)
    page = _paging(request)
    if page is None:
        return JSONResponse({"error": f"limit must be 1..{MAX_LIMIT} and offset ≥ 0"}, status_code=400)
    limit, offset = page
    found = await run_in_threadpool(queries.newest, ctx, open_only=status == "open", limit=limit, offset=offset)
    return JSONResponse({"incidents": [incident_json(i, public_url=ctx.config.public_url) for i in found]})


def _paging(request: Request) -> tuple[int, int] | None:
    """`?limit=` and `?offset=`, or None when either is not a number in range."""
    try:
        limit = int(request.query_params.get("limit", "100"))
        offset = int(request.query_params.get("offset", "0"))
    except ValueError:
        return None
    return (limit, offset) if 1 <= limit <= MAX_LIMIT and offset >= 0 else None


@token_required()
async def api_incident(request: Request) -> Response:
    """The incident with its timeline in time order: whole up to DEFAULT_TIMELINE events (nearly every
    incident); beyond that, or with `?limit=N`, the newest page, and `timeline_before` to ask for the page
    before it with `&before=` (absent once there is nothing earlier)."""
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    page = _timeline_paging(request)
    if page is None:
        return JSONResponse({"error": f"limit must be 1..{MAX_TIMELINE_LIMIT} and before an event id"},
                            status_code=400)  # fmt: skip
    limit, before = page
    found = None
    if number:
        found = await run_in_threadpool(queries.incident_page, ctx, number, limit=limit or DEFAULT_TIMELINE,
                                        before=before)  # fmt: skip
    if found is None:
        return JSONResponse({"error": f"no incident {request.path_params['id']}"}, status_code=404)
    return JSONResponse(_incident_with_timeline(ctx, *found))


def _incident_with_timeline(ctx: Context, view: queries.IncidentView, page: queries.TimelinePage) -> dict[str, Any]:
    data = incident_json(view.incident, public_url=ctx.config.public_url)
    data["timeline"] = timeline_json(page.events)
    if page.earlier is not None:
        data["timeline_before"] = page.earlier
    data["actions"] = [action_json(item) for item in view.actions]
    data["undelivered_posts"] = view.undelivered
    data["failed_posts"] = view.failed
    return data


def _timeline_paging(request: Request) -> tuple[int | None, int | None] | None:
    """`?limit=` and `?before=` for the timeline, or None when either is not a number in range."""
    try:
        limit = int(request.query_params["limit"]) if "limit" in request.query_params else None
        before = int(request.query_params["before"]) if "before" in request.query_params else None
    except ValueError:
        return None
    if (limit is not None and not 1 <= limit <= MAX_TIMELINE_LIMIT) or (before is not None and limit is None):
        return None
    return limit, before
