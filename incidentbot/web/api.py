"""The JSON API: `GET /api/incidents` (newest first, paged) and `GET /api/incidents/{id}` with its timeline."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from incidentbot.domain.incident_id import parse_id
from incidentbot.messages.serialize import action_json, incident_json, timeline_json
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.web.auth import token_required

MAX_LIMIT = 1000


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
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    view = await run_in_threadpool(queries.incident_by_number, ctx, number) if number else None
    if view is None:
        return JSONResponse({"error": f"no incident {request.path_params['id']}"}, status_code=404)
    data = incident_json(view.incident, public_url=ctx.config.public_url)
    data["timeline"] = timeline_json(view.timeline)
    data["actions"] = [action_json(item) for item in view.actions]
    data["undelivered_posts"] = view.undelivered
    data["failed_posts"] = view.failed
    return JSONResponse(data)
