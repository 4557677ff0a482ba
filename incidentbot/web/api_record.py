"""The JSON API of the record: `GET /api/actions`, `GET /api/stats`, and the postmortem document
(`GET /api/incidents/{id}/postmortem`, `PUT /api/incidents/{id}/postmortem/{key}`)."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from incidentbot.domain.quality import MAX_DAYS
from incidentbot.messages.serialize import action_json
from incidentbot.messages.stats import stats_json
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.service.stats import service_record
from incidentbot.web.auth import token_required

_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


def _error(message: str, status: int = 400) -> Response:
    return JSONResponse({"error": message}, status_code=status)


@token_required()
async def api_actions(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    open_text = request.query_params.get("open", "false").lower()
    owner = request.query_params.get("owner") or None
    if open_text not in ("true", "false", "1", "0"):
        return _error("open must be `true` or `false`")
    if owner is not None and not _USER.fullmatch(owner):
        return _error("owner must be a Slack user id such as `U012AB3CD`")
    items, labels = await run_in_threadpool(queries.action_items, ctx, open_only=open_text in ("true", "1"),
                                            owner=owner)
    return JSONResponse({"actions": [action_json(i, incident_label=labels[i.incident_number]) for i in items]})


@token_required()
async def api_stats(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    days_text = request.query_params.get("days", "90")
    if not (days_text.isascii() and days_text.isdigit() and 1 <= int(days_text[:6]) <= MAX_DAYS):
        return _error(f"days must be a whole number from 1 to {MAX_DAYS}")
    record = await run_in_threadpool(service_record, ctx, days=int(days_text))
    return JSONResponse(stats_json(record))
