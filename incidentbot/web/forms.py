"""The web fallback's forms: declare, update, note, severity, accept a handoff, resolve, action items and
postmortem sections.

Each form posts here, is checked (signed in, CSRF token, fields), runs the same handler as Slack (one
transaction, same timeline and outbox) and redirects back to the page (303), which says what happened.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from incidentbot.domain.actions import action_number
from incidentbot.domain.incident_id import parse_id
from incidentbot.domain.model import Incident
from incidentbot.service import commands as c
from incidentbot.service.context import Context
from incidentbot.web import render
from incidentbot.web.auth import actor, same_origin, viewer
from incidentbot.web.operate import (
    ACTION_LIMIT,
    EditSection,
    Rejected,
    declare_command,
    due_field,
    owner_field,
    perform,
    role_field,
    severity_field,
    status_field,
)
from incidentbot.web.operate import text_field as text
from incidentbot.web.pages import page_frame

MAX_FORM = 512 * 1024  # a postmortem section holds up to 40,000 characters, each up to 9 bytes once encoded


async def declare(request: Request) -> Response:
    return await _handle(request, lambda values, number: declare_command(values), done="declared")


async def update(request: Request) -> Response:
    return await _handle(request, lambda v, n: c.Update(text=_req(text(v, "text")), ref=n, status=status_field(v)),
                         done="update")  # fmt: skip


async def note(request: Request) -> Response:
    return await _handle(request, lambda v, n: c.Note(text=_req(text(v, "text")), ref=n), done="note")


async def severity(request: Request) -> Response:
    return await _handle(request, lambda v, n: c.ChangeSeverity(severity=severity_field(v), ref=n), done="severity")


async def accept(request: Request) -> Response:
    return await _handle(request, lambda v, n: c.Ack(ref=n), done="accept")


async def resolve(request: Request) -> Response:
    return await _handle(request, lambda v, n: c.Resolve(ref=n, summary=text(v, "summary", required=False)),
                         done="resolve")  # fmt: skip


async def add_action(request: Request) -> Response:
    return await _handle(request, lambda v, n: c.AddAction(text=_req(text(v, "text", limit=ACTION_LIMIT)), ref=n,
                                                           owner=owner_field(v), due=due_field(v)),
                         done="action")  # fmt: skip


async def close_action(request: Request) -> Response:
    number = action_number(request.path_params["action"])
    if number is None:
        return await _problem(request, "No such action item", "Action items are written A-7.", 404)
    return await _handle(request, lambda v, n: c.DoneAction(action_id=number), done="action_done")


async def edit_section(request: Request) -> Response:
    def build(values: dict[str, Any], number: int) -> EditSection:
        given = values.get("text", "")
        return EditSection(number=number, key=request.path_params["key"], text=given.replace("\r\n", "\n"))

    return await _handle(request, build, done="section", page="/postmortem")


def _req(value: str | None) -> str:
    assert value is not None  # text_field(required=True) never returns None
    return value


async def _handle(request: Request, build: Any, *, done: str, page: str = "") -> Response:
    ctx: Context = request.app.state.ctx
    who = await viewer(request)
    if not who.can_write:
        return await _problem(request, "Sign in first", "Type /outage web in Slack for a sign-in link.", 401)
    values = await _form(request)
    if values is None or not same_origin(request) or not who.csrf_ok(str(values.get("csrf", ""))):
        return await _problem(request, "Form expired", "This form is out of date: reload the page and try again.", 403)
    number = None
    if "id" in request.path_params:
        number = parse_id(request.path_params["id"], ctx.config.id_prefix)
        if number is None:
            return await _problem(request, "No such outage", f"There is no outage {request.path_params['id']}.", 404)
    try:
        cmd = build(values, number)
        incident: Incident = await perform(ctx, cmd, actor=actor(request, who), role=role_field(values))
    except Rejected as rejected:
        return await _problem(request, "Nothing changed", rejected.message, rejected.status)
    return RedirectResponse(f"/incidents/{incident.label}{page}?done={done}", status_code=303)


async def _form(request: Request) -> dict[str, Any] | None:
    """The urlencoded body (forms here carry no files), or None when it is too big or not a form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if kind != "application/x-www-form-urlencoded" or len(body) > MAX_FORM:
        return None
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return None


async def _problem(request: Request, title: str, message: str, status: int) -> Response:
    body = render.problem(await page_frame(request), title=title, message=message, status=status)
    return HTMLResponse(body, status_code=status)
