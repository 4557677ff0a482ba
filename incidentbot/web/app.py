"""The HTTP server as one Starlette app: which path goes to which endpoint, and what the endpoints share.

Endpoints live in modules named for what they serve and read what they need from `request.app.state`:
`ctx` (the service context), `bolt` (the Bolt app), `api_token` and `signing_secret`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from slack_bolt import App
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from incidentbot.service.context import Context
from incidentbot.web import api, api_record, errors, health, pages, runbooks, slack_events

log = logging.getLogger("incidentbot.web")

ROUTES = [
    Route("/slack/events", slack_events.slack_events, methods=["POST"]),
    Route("/healthz", health.healthz, methods=["GET"]),
    Route("/api/incidents", api.api_incidents, methods=["GET"]),
    Route("/api/incidents/{id}", api.api_incident, methods=["GET"]),
    Route("/api/incidents/{id}/postmortem", api_record.api_postmortem, methods=["GET"]),
    Route("/api/incidents/{id}/postmortem/{key}", api_record.api_edit_postmortem, methods=["PUT"]),
    Route("/api/actions", api_record.api_actions, methods=["GET"]),
    Route("/api/stats", api_record.api_stats, methods=["GET"]),
    Route("/incidents", pages.incidents_page, methods=["GET"]),
    Route("/incidents/{id}", pages.incident_page, methods=["GET"]),
    Route("/runbooks/{name}", runbooks.runbook, methods=["GET"]),
]


def build_web_app(
    *,
    ctx: Context,
    bolt: App,
    api_token: str | None,
    signing_secret: str | None = None,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
) -> Starlette:
    """`signing_secret=None` leaves the signature to Bolt alone; `on_startup` and `on_shutdown` run (in a
    thread) when the server starts and stops: the bot's workers."""
    app = Starlette(routes=ROUTES, exception_handlers=errors.HANDLERS, lifespan=_lifespan)
    app.state.ctx = ctx
    app.state.bolt = bolt
    app.state.api_token = api_token
    app.state.signing_secret = signing_secret
    app.state.on_startup = on_startup
    app.state.on_shutdown = on_shutdown
    return app


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    state = app.state
    if not state.api_token:  # said when the server starts, not when the app is merely built (Socket Mode)
        log.warning("INCIDENTBOT_API_TOKEN is not set: the JSON API and incident pages need no token")
    if state.on_startup:
        await run_in_threadpool(state.on_startup)
    try:
        yield
    finally:
        if state.on_shutdown:
            await run_in_threadpool(state.on_shutdown)
