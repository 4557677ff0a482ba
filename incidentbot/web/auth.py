"""Who may read and change what: the API token, a signed-in session, or (for reading pages) nobody at all.

- `INCIDENTBOT_API_TOKEN` opens everything. The API takes it only as `Authorization: Bearer …`; the pages also
  take it as `?token=…` (people follow links from Slack) and from then on from a cookie.
- A session (cookie from a `/outage web` link) signs a Slack user in: they read everything and act as themselves.
- `public_pages = true` lets anyone read the pages (never the API, never a change).
- With no token configured, reading is open (PRODUCT.md); changing still needs a session.
Forms carry a CSRF token derived from the cookie's secret, so another site cannot post them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from incidentbot.service import sign_in

PAGE_COOKIE = "incidentbot_token"
SESSION_COOKIE = "incidentbot_session"
USER_HEADER = "x-incidentbot-user"

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Viewer:
    """The person (or tool) behind a request."""

    user: str | None = None  # the Slack user of a live session
    token: bool = False  # presented the configured API token (header, `?token=` or its cookie)
    bearer: bool = False  # …as an Authorization header (no cookie involved, so no CSRF check needed)
    secret: str = ""  # the cookie secret forms' CSRF tokens derive from

    @property
    def can_write(self) -> bool:
        return self.user is not None or self.token

    @property
    def csrf(self) -> str:
        return hmac.new(self.secret.encode(), b"incidentbot-csrf", hashlib.sha256).hexdigest() if self.secret else ""

    def csrf_ok(self, given: str) -> bool:
        return self.bearer or (bool(self.csrf) and hmac.compare_digest(given.encode(), self.csrf.encode()))


def authorised(request: Request, *, page: bool = False) -> bool:
    """Whether the request carries the configured token; `page` also accepts the page's `?token=` or cookie."""
    expected: str | None = request.app.state.api_token
    if not expected:
        return True
    if _bearer_matches(request, expected):
        return True
    if not page:
        return False
    given = request.query_params.get("token") or request.cookies.get(PAGE_COOKIE) or ""
    return hmac.compare_digest(given.encode(), expected.encode())


def _bearer_matches(request: Request, expected: str) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected.encode())


async def viewer(request: Request) -> Viewer:
    """Who is asking (looked up once per request)."""
    cached = getattr(request.state, "viewer", None)
    if isinstance(cached, Viewer):
        return cached
    expected: str | None = request.app.state.api_token
    found = Viewer()
    if expected and _bearer_matches(request, expected):
        found = Viewer(token=True, bearer=True)
    elif expected and authorised(request, page=True):
        found = Viewer(token=True, secret=expected)
    session = request.cookies.get(SESSION_COOKIE)
    ctx = getattr(request.app.state, "ctx", None)
    if session and ctx is not None and not found.bearer:
        user = await run_in_threadpool(sign_in.session_user, ctx, session)
        if user is not None:
            found = Viewer(user=user, token=found.token, secret=session)
    request.state.viewer = found
    return found


def same_origin(request: Request) -> bool:
    """A browser's `Origin` on a POST, when it sends one, is this server (as reached, or its public_url)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    ours = {str(request.base_url).rstrip("/")}
    ctx = getattr(request.app.state, "ctx", None)
    if ctx is not None:
        ours.add(ctx.config.public_url.rstrip("/"))
    return origin.rstrip("/") in ours


def actor(request: Request, who: Viewer) -> str:
    """Whom a change is recorded against: the signed-in user, else the user the token's caller names."""
    if who.user:
        return who.user
    named = request.headers.get(USER_HEADER, "").strip()
    return named if named and len(named) <= 32 and named.isalnum() else "api"


def _public_pages(request: Request) -> bool:
    ctx = getattr(request.app.state, "ctx", None)
    return bool(ctx is not None and ctx.config.public_pages)


def token_required(*, page: bool = False) -> Callable[[Endpoint], Endpoint]:
    """The endpoint runs only for an authorised request; others get a 401 in the endpoint's own language."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            if not authorised(request, page=page) and not (page and _public_pages(request)):
                who = await viewer(request)
                if who.user is None:
                    return _page_refusal() if page else _api_refusal()
            return await endpoint(request)

        return guarded

    return decorate


def remember_page_token(request: Request, response: Response) -> Response:
    """A page opened with `?token=…` leaves the token in an HTTP-only cookie, so the page's links work."""
    api_token: str | None = request.app.state.api_token
    if api_token and request.query_params.get("token"):
        response.set_cookie(PAGE_COOKIE, api_token, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")  # fmt: skip
    return response


def _api_refusal() -> Response:
    return JSONResponse({"error": "send Authorization: Bearer <INCIDENTBOT_API_TOKEN>"}, status_code=401,
                        headers={"WWW-Authenticate": "Bearer"})  # fmt: skip


def _page_refusal() -> Response:
    return HTMLResponse("<p>This page needs you signed in: type <code>/outage web</code> in Slack for a sign-in "
                        "link (or open it with the incidentbot token as <code>?token=…</code>).</p>",
                        status_code=401)  # fmt: skip
