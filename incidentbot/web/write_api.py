"""The write API, for the web fallback and for tools such as alert managers:
`POST /api/incidents` `{summary, division, severity, company_wide, drill}`, and on `/api/incidents/{id}`:
`/updates` `{text, status}`, `/notes` `{text}`, `/resolve` `{summary}`.

The actor is the signed-in user, or with the bearer token the Slack user in `X-Incidentbot-User` (else `api`).
Bad input is a 400 (unknown incident 404) with `{"error": …}` and nothing written. A cookie-signed request must
be JSON (`Content-Type: application/json`), which another site's page cannot send without asking first (CORS).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from incidentbot.domain.incident_id import parse_id
from incidentbot.messages.serialize import incident_json
from incidentbot.service import commands as c
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.web.auth import actor, viewer
from incidentbot.web.operate import Rejected, declare_command, perform, status_field, text_field

MAX_BODY = 64 * 1024
Build = Callable[[dict[str, Any], int | None], Any]


def _updates(values: dict[str, Any], number: int | None) -> Any:
    text = text_field(values, "text")
    assert text is not None
    return c.Update(text=text, ref=number, status=status_field(values))


def _notes(values: dict[str, Any], number: int | None) -> Any:
    text = text_field(values, "text")
    assert text is not None
    return c.Note(text=text, ref=number)


def _resolve(values: dict[str, Any], number: int | None) -> Any:
    return c.Resolve(ref=number, summary=text_field(values, "summary", required=False))


FIELDS = {"declare": {"summary", "division", "severity", "company_wide", "drill"}, "updates": {"text", "status"},
          "notes": {"text"}, "resolve": {"summary"}}  # fmt: skip
BUILDERS: dict[str, Build] = {"declare": lambda v, n: declare_command(v), "updates": _updates, "notes": _notes,
                              "resolve": _resolve}  # fmt: skip


async def declare(request: Request) -> Response:
    return await _write(request, "declare", status=201)


async def updates(request: Request) -> Response:
    return await _write(request, "updates")


async def notes(request: Request) -> Response:
    return await _write(request, "notes")


async def resolve(request: Request) -> Response:
    return await _write(request, "resolve")


async def _write(request: Request, kind: str, *, status: int = 200) -> Response:
    ctx: Context = request.app.state.ctx
    who = await viewer(request)
    if not who.can_write:
        return _error("send Authorization: Bearer <INCIDENTBOT_API_TOKEN>, or sign in with /outage web", 401)
    try:
        values = await _json_body(request, FIELDS[kind])
        number = await _incident(request, ctx)
        incident = await perform(ctx, BUILDERS[kind](values, number), actor=actor(request, who))
    except Rejected as rejected:
        return _error(rejected.message, rejected.status)
    return JSONResponse(incident_json(incident, public_url=ctx.config.public_url), status_code=status)


async def _json_body(request: Request, allowed: set[str]) -> dict[str, Any]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise Rejected("send a JSON object with Content-Type: application/json")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Rejected(f"the body is larger than {MAX_BODY} bytes")
    try:
        values = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Rejected("the body is not valid JSON") from None
    if not isinstance(values, dict):
        raise Rejected("the body must be a JSON object")
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise Rejected(f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    return values


async def _incident(request: Request, ctx: Context) -> int | None:
    if "id" not in request.path_params:
        return None
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    view = await run_in_threadpool(queries.incident_by_number, ctx, number) if number else None
    if view is None:
        raise Rejected(f"no incident {request.path_params['id']}", 404)
    return number


def _error(message: str, status: int) -> Response:
    return JSONResponse({"error": message}, status_code=status)
