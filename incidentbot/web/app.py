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
from incidentbot.web import (
    api,
    api_record,
    errors,
    forms,
    health,
    metrics,
    pages,
    record_pages,
    runbooks,
    signin,
    slack_events,
    write_api,
)

log = logging.getLogger("incidentbot.web")

ROUTES = [
    Route("/slack/events", slack_events.slack_events, methods=["POST"]),
    Route("/healthz", health.healthz, methods=["GET"]),
    Route("/metrics", metrics.metrics, methods=["GET"]),
    Route("/api/incidents", api.api_incidents, methods=["GET"]),
    Route("/api/incidents/{id}", api.api_incident, methods=["GET"]),
    Route("/api/incidents/{id}/postmortem", api_record.api_postmortem, methods=["GET"]),
    Route("/api/incidents/{id}/postmortem/{key}", api_record.api_edit_postmortem, methods=["PUT"]),
    Route("/api/actions", api_record.api_actions, methods=["GET"]),
    Route("/api/stats", api_record.api_stats, methods=["GET"]),
    Route("/incidents", pages.incidents_page, methods=["GET"]),
    Route("/incidents/{id}", pages.incident_page, methods=["GET"]),
    Route("/runbooks/{name}", runbooks.runbook, methods=["GET"]),
    # The web fallback: sign-in, the live signal, the forms and the write API (issue 11).
    Route("/signin/{secret}", signin.sign_in_page, methods=["GET"]),
    Route("/signin", signin.sign_in_post, methods=["POST"]),
    Route("/signout", signin.sign_out_post, methods=["POST"]),
    Route("/live", pages.live, methods=["GET"]),
    Route("/live.js", pages.live_script, methods=["GET"]),
    Route("/incidents", forms.declare, methods=["POST"]),
    Route("/incidents/{id}/update", forms.update, methods=["POST"]),
    Route("/incidents/{id}/note", forms.note, methods=["POST"]),
    Route("/incidents/{id}/severity", forms.severity, methods=["POST"]),
    Route("/incidents/{id}/accept", forms.accept, methods=["POST"]),
    Route("/incidents/{id}/resolve", forms.resolve, methods=["POST"]),
    Route("/incidents/{id}/actions", forms.add_action, methods=["POST"]),
    Route("/incidents/{id}/actions/{action}/done", forms.close_action, methods=["POST"]),
    Route("/incidents/{id}/postmortem/{key}", forms.edit_section, methods=["POST"]),
    Route("/incidents/{id}/postmortem", record_pages.postmortem_page, methods=["GET"]),
    Route("/stats", record_pages.stats_page, methods=["GET"]),
    Route("/api/incidents", write_api.declare, methods=["POST"]),
    Route("/api/incidents/{id}/updates", write_api.updates, methods=["POST"]),
    Route("/api/incidents/{id}/notes", write_api.notes, methods=["POST"]),
    Route("/api/incidents/{id}/resolve", write_api.resolve, methods=["POST"]),
]


def build_web_app(
    *,
    ctx: Context,
    bolt: App,
    api_token: str | None,
    signing_secret: str | None = None,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
    metrics_multiprocess: bool = False,
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
    app.state.metrics_multiprocess = metrics_multiprocess
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
