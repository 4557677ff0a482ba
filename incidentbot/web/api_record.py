"""The JSON API of the record: `GET /api/actions`, `GET /api/stats`, and the postmortem document
(`GET /api/incidents/{id}/postmortem`, `PUT /api/incidents/{id}/postmortem/{key}`)."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from incidentbot.domain.errors import DomainError
from incidentbot.domain.incident_id import parse_id
from incidentbot.domain.quality import MAX_DAYS
from incidentbot.messages.postmortem_doc import document_markdown
from incidentbot.messages.serialize import action_json, incident_json
from incidentbot.messages.stats import stats_json
from incidentbot.service import postmortem, queries
from incidentbot.service.context import Context, Refused
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


def postmortem_json(found: postmortem.PostmortemView, *, public_url: str) -> dict[str, Any]:
    return {
        "incident": incident_json(found.incident, public_url=public_url),
        "sections": [{"key": s.key, "title": s.title, "text": s.text, "edited": s.is_edited,
                      **({"newer_generated": s.newer_facts} if s.newer_facts else {})}
                     for s in found.sections],
        "markdown": document_markdown(found.incident, found.sections),
    }


@token_required()
async def api_postmortem(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    found = await run_in_threadpool(postmortem.view, ctx, number) if number else None
    if found is None:
        return _error(f"no incident {request.path_params['id']}", 404)
    return JSONResponse(postmortem_json(found, public_url=ctx.config.public_url))


@token_required()
async def api_edit_postmortem(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    if not number or await run_in_threadpool(queries.incident_by_number, ctx, number) is None:
        return _error(f"no incident {request.path_params['id']}", 404)
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _error('the body must be JSON: {"text": "…"}')
    if not isinstance(body, dict) or set(body) != {"text"}:
        return _error('the body must be {"text": "…"} and nothing else')
    actor = request.headers.get("X-Incidentbot-User") or "api"
    try:
        found = await run_in_threadpool(postmortem.edit_sections, ctx, number,
                                        {request.path_params["key"]: body["text"]}, actor=actor[:32])
    except (Refused, DomainError) as refused:
        return _error(refused.message if isinstance(refused, Refused) else str(refused))
    return JSONResponse(postmortem_json(found, public_url=ctx.config.public_url))
