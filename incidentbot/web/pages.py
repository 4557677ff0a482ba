"""Incident pages for people: `GET /incidents` and `GET /incidents/{id}` with its timeline (server-rendered,
escaped by Jinja)."""

from __future__ import annotations

import html
from dataclasses import replace
from html import unescape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from incidentbot.domain.incident_id import parse_id
from incidentbot.domain.model import Incident
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.web.auth import remember_page_token, token_required

_env = Environment(loader=PackageLoader("incidentbot.web", "templates"), autoescape=select_autoescape(["html"]))


@token_required(page=True)
async def incidents_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    open_only = request.query_params.get("status") == "open"
    found = await run_in_threadpool(queries.newest, ctx, open_only=open_only, limit=500)
    body = render_incidents(found, base=ctx.config.public_url, open_only=open_only)
    return remember_page_token(request, HTMLResponse(body))


@token_required(page=True)
async def incident_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    view = await run_in_threadpool(queries.incident_by_number, ctx, number) if number else None
    if view is None:
        return HTMLResponse(f"<p>No outage {html.escape(request.path_params['id'])}.</p>", status_code=404)
    body = render_incident(view.incident, view.timeline, base=ctx.config.public_url)
    return remember_page_token(request, HTMLResponse(body))


def _plain(incident: Incident) -> Incident:
    """Stored text is in Slack's escaped form (&amp; &lt; &gt;): show it as typed; Jinja escapes it for HTML."""
    return replace(incident, summary=unescape(incident.summary), events=[])


def render_incidents(incidents: list[Incident], *, base: str, open_only: bool) -> str:
    return _env.get_template("incidents.html").render(incidents=[_plain(i) for i in incidents], base=base,
                                                      open_only=open_only)


def render_incident(incident: Incident, timeline: list[Any], *, base: str) -> str:
    fields = [("Impact", incident.impact), ("Service", incident.service), ("Root cause", incident.root_cause),
              ("Owning team", incident.owner_team), ("Resolution", incident.resolution)]
    events = [{"at": e.at, "actor": e.actor, "kind": e.kind, "text": unescape(e.text)} for e in timeline]
    return _env.get_template("incident.html").render(
        i=_plain(incident), timeline=events, base=base,
        fields=[(name, unescape(value) if value else value) for name, value in fields],
    )
