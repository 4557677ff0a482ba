"""The HTTP server: Slack's request URL, health, the JSON API and runbooks, as one Starlette app."""

from __future__ import annotations

import hmac
import html
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from incidentbot.messages.serialize import incident_json, timeline_json
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.web import pages

log = logging.getLogger("incidentbot.web")

MAX_SLACK_BODY = 1_000_000
MAX_LIMIT = 1000
PAGE_COOKIE = "incidentbot_token"


def build_web_app(
    *,
    ctx: Context,
    bolt: App,
    api_token: str | None,
    signing_secret: str | None = None,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], None] | None = None,
) -> Starlette:
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_SLACK_BODY:
            return PlainTextResponse("request too large", status_code=413)
        if signing_secret is not None and not signed_by_slack(body, request.headers, signing_secret):
            # Checked here, before anything reads the body, as well as by Bolt: no setting turns this off.
            return PlainTextResponse("invalid request signature", status_code=401)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return PlainTextResponse("body is not UTF-8", status_code=400)
        try:
            bolt_request = BoltRequest(body=text, query=request.url.query, headers=dict(request.headers))
        except (ValueError, AttributeError, TypeError, KeyError):
            # Bolt parses the body and reads ids out of it on construction: JSON that does not parse, or a
            # payload whose team/user/enterprise fields are not what Slack sends.
            return PlainTextResponse("malformed request body", status_code=400)
        if not isinstance(bolt_request.body, dict) or not slack_shaped(bolt_request.body):
            return PlainTextResponse("the request is not shaped like Slack's", status_code=400)
        # Bolt is synchronous (the listeners talk to the database): run it off the event loop.
        bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
        return Response(content=bolt_response.body, status_code=bolt_response.status,
                        headers=bolt_response.first_headers_without_set_cookie())

    async def healthz(_: Request) -> Response:
        try:
            counts = await run_in_threadpool(queries.delivery_counts, ctx)
        except Exception:
            log.exception("health check: database unavailable")
            return JSONResponse({"ok": False, "database": "unavailable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok",
                             "outbox": {"undelivered": counts["pending"], "failed": counts["failed"]}})

    def authorised(request: Request) -> bool:
        if not api_token:
            return True  # PRODUCT.md: the token requirement is disabled when no token is configured
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), api_token.encode())

    def refuse(request: Request) -> Response | None:
        if not authorised(request):
            return JSONResponse({"error": "send Authorization: Bearer <INCIDENTBOT_API_TOKEN>"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return None

    async def api_incidents(request: Request) -> Response:
        if (refusal := refuse(request)) is not None:
            return refusal
        status = request.query_params.get("status")
        if status not in (None, "", "open", "all"):
            return JSONResponse({"error": "status must be `open` or `all`"}, status_code=400)
        try:
            limit = int(request.query_params.get("limit", "100"))
            offset = int(request.query_params.get("offset", "0"))
            if not (1 <= limit <= MAX_LIMIT) or offset < 0:
                raise ValueError
        except ValueError:
            return JSONResponse({"error": f"limit must be 1..{MAX_LIMIT} and offset ≥ 0"}, status_code=400)
        found = await run_in_threadpool(queries.newest, ctx, open_only=status == "open", limit=limit,
                                        offset=offset)
        return JSONResponse({"incidents": [incident_json(i, public_url=ctx.config.public_url) for i in found]})

    async def api_incident(request: Request) -> Response:
        if (refusal := refuse(request)) is not None:
            return refusal
        number = parse_id(request.path_params["id"], ctx.config.id_prefix)
        view = await run_in_threadpool(queries.incident_by_number, ctx, number) if number else None
        if view is None:
            return JSONResponse({"error": f"no incident {request.path_params['id']}"}, status_code=404)
        data = incident_json(view.incident, public_url=ctx.config.public_url)
        data["timeline"] = timeline_json(view.timeline)
        data["undelivered_posts"] = view.undelivered
        data["failed_posts"] = view.failed
        return JSONResponse(data)

    async def incidents_page(request: Request) -> Response:
        if not authorised_page(request):
            return page_refusal()
        open_only = request.query_params.get("status") == "open"
        found = await run_in_threadpool(queries.newest, ctx, open_only=open_only, limit=500)
        return page(pages.incidents_page(found, base=ctx.config.public_url, open_only=open_only), request)

    async def incident_page(request: Request) -> Response:
        if not authorised_page(request):
            return page_refusal()
        number = parse_id(request.path_params["id"], ctx.config.id_prefix)
        view = await run_in_threadpool(queries.incident_by_number, ctx, number) if number else None
        if view is None:
            return HTMLResponse(f"<p>No outage {html.escape(request.path_params['id'])}.</p>", status_code=404)
        return page(pages.incident_page(view.incident, view.timeline, base=ctx.config.public_url), request)

    def authorised_page(request: Request) -> bool:
        """People follow links from Slack: the token may come once as ?token=…, then from a cookie."""
        if authorised(request) or not api_token:
            return True
        given = request.query_params.get("token") or request.cookies.get(PAGE_COOKIE) or ""
        return hmac.compare_digest(given.encode(), api_token.encode())

    def page(body: str, request: Request) -> Response:
        response = HTMLResponse(body)
        if api_token and request.query_params.get("token"):
            response.set_cookie(PAGE_COOKIE, api_token, httponly=True, samesite="lax",
                                secure=request.url.scheme == "https")
        return response

    def page_refusal() -> Response:
        return HTMLResponse("<p>This page needs the incidentbot token: open it as <code>?token=…</code>.</p>",
                            status_code=401)

    async def runbook(request: Request) -> Response:
        name = request.path_params["name"]
        folder = ctx.config.runbooks_dir
        if not re.fullmatch(r"[\w.-]+\.md", name, flags=re.ASCII):  # before any path is made of it (NUL, ..)
            return PlainTextResponse("no such runbook", status_code=404)
        path = (folder / name).resolve()
        if path.parent != Path(folder).resolve() or not path.is_file():
            return PlainTextResponse(f"no runbook {name}", status_code=404)
        return PlainTextResponse(path.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8")

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return JSONResponse({"error": f"{request.method} {request.url.path}: {status_text(status)}"},
                            status_code=status)

    async def server_error(request: Request, exc: Exception) -> Response:
        error_id = uuid.uuid4().hex[:8]
        log.error("%s %s failed (error id %s)", request.method, request.url.path, error_id, exc_info=exc)
        return JSONResponse({"error": "internal error", "error_id": error_id}, status_code=500)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if not api_token:  # said when the server starts, not when the app is merely built (Socket Mode)
            log.warning("INCIDENTBOT_API_TOKEN is not set: the JSON API and incident pages need no token")
        if on_startup:
            await run_in_threadpool(on_startup)
        try:
            yield
        finally:
            if on_shutdown:
                await run_in_threadpool(on_shutdown)

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/incidents", api_incidents, methods=["GET"]),
        Route("/api/incidents/{id}", api_incident, methods=["GET"]),
        Route("/incidents", incidents_page, methods=["GET"]),
        Route("/incidents/{id}", incident_page, methods=["GET"]),
        Route("/runbooks/{name}", runbook, methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {HTTPException: not_found, Exception: server_error}
    return Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)


def signed_by_slack(body: bytes, headers: Mapping[str, str], secret: str) -> bool:
    """Slack's `v0` signature, made with our signing secret, over a request at most five minutes old."""
    if not secret:
        return False  # an empty secret would make every signature forgeable
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    try:
        return SignatureVerifier(secret).is_valid(body, timestamp, signature)
    except (ValueError, TypeError):
        return False


# Parts of a request that Bolt reads as objects (and crashes on when they are not), Slack-sent or not.
_OBJECTS = ("user", "view", "channel", "container", "message", "event", "state", "workflow_step")
_MAY_BE_NULL = ("team", "enterprise")
_VIEW_TEXT = ("id", "type", "callback_id", "private_metadata", "hash", "external_id", "root_view_id")


def slack_shaped(body: dict[str, Any]) -> bool:
    """Whether a signed request has the shape Slack gives its payloads, as far as Bolt relies on it.

    Only Slack can sign a request, so a misshapen one means a bug or a leaked secret; either way it gets a
    400 here instead of an exception deep inside Bolt (a 500).
    """
    if not isinstance(body.get("type", ""), str):
        return False
    if any(key in body and not isinstance(body[key], dict) for key in _OBJECTS):
        return False
    if any(body.get(key) is not None and not isinstance(body[key], dict) for key in _MAY_BE_NULL):
        return False
    view = body.get("view")
    if body.get("type") in ("view_submission", "view_closed") and not isinstance(view, dict):
        return False
    if isinstance(view, dict):
        texts = all(isinstance(view.get(k, ""), str | None) for k in _VIEW_TEXT)
        if not isinstance(view.get("type"), str) or not texts or not isinstance(view.get("state", {}), dict):
            return False
    actions = body.get("actions", [])
    return isinstance(actions, list) and all(
        isinstance(a, dict) and isinstance(a.get("action_id"), str) and isinstance(a.get("block_id", ""), str)
        for a in actions
    )


def parse_id(text: str, prefix: str) -> int | None:
    match = re.fullmatch(rf"(?:{re.escape(prefix)}-)?(\d{{1,12}})", text.strip(), flags=re.IGNORECASE)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def status_text(status: int) -> str:
    return {404: "not found", 405: "method not allowed"}.get(status, "error")
