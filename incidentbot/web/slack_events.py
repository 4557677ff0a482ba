"""Slack's request URL, `POST /slack/events`: size, signature, encoding and shape are checked before Bolt runs."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from incidentbot.messages.usage import USAGE
from incidentbot.service import metrics

MAX_SLACK_BODY = 1_000_000


async def slack_events(request: Request) -> Response:
    started = time.perf_counter()
    response = await _answer(request)
    metrics.ACK_SECONDS.labels(command=request.state.command).observe(time.perf_counter() - started)
    return response


async def _answer(request: Request) -> Response:
    request.state.command = "refused"
    body = await request.body()
    if len(body) > MAX_SLACK_BODY:
        return PlainTextResponse("request too large", status_code=413)
    secret: str | None = request.app.state.signing_secret
    if secret is not None and not signed_by_slack(body, request.headers, secret):
        # Checked here, before anything reads the body, as well as by Bolt: no setting turns this off.
        return PlainTextResponse("invalid request signature", status_code=401)
    bolt_request = _bolt_request(body, request)
    if isinstance(bolt_request, Response):
        return bolt_request
    bolt: App = request.app.state.bolt
    request.state.command = request_kind(bolt_request.body)
    # Bolt is synchronous (the listeners talk to the database): run it off the event loop.
    bolt_response = await run_in_threadpool(bolt.dispatch, bolt_request)
    return Response(content=bolt_response.body, status_code=bolt_response.status,
                    headers=bolt_response.first_headers_without_set_cookie())  # fmt: skip


def _bolt_request(body: bytes, request: Request) -> BoltRequest | Response:
    """The request as Bolt reads it, or the 400 for a body that is not what Slack sends."""
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
    return bolt_request


def request_kind(body: dict[str, Any]) -> str:
    """The label a request's acknowledgement time is counted under: the `/outage` sub-command, else the kind
    of payload (a small, fixed set, whatever people type)."""
    if "command" in body:
        word = str(body.get("text") or "").strip().split(maxsplit=1)
        name = word[0].lower() if word else "declare-form"
        return name if name in USAGE else "other"
    kind = str(body.get("type") or "other")
    return kind if kind in ("block_actions", "view_submission", "view_closed", "event_callback") else "other"


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
    return _view_shaped(view) and _actions_shaped(body.get("actions", []))


def _view_shaped(view: Any) -> bool:
    if not isinstance(view, dict):
        return True  # no view at all: a view that is not an object was refused above
    texts = all(isinstance(view.get(k, ""), str | None) for k in _VIEW_TEXT)
    return isinstance(view.get("type"), str) and texts and isinstance(view.get("state", {}), dict)


def _actions_shaped(actions: Any) -> bool:
    return isinstance(actions, list) and all(
        isinstance(a, dict) and isinstance(a.get("action_id"), str) and isinstance(a.get("block_id", ""), str)
        for a in actions
    )
