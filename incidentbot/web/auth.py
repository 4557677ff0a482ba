"""Who may read the JSON API and the incident pages: whoever presents `INCIDENTBOT_API_TOKEN`.

One check serves both. The API takes the token only as `Authorization: Bearer …`; the pages also take it
as `?token=…` (people follow links from Slack) and from then on from a cookie. With no token configured,
everything is open (PRODUCT.md).
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

PAGE_COOKIE = "incidentbot_token"

Endpoint = Callable[[Request], Awaitable[Response]]


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


def token_required(*, page: bool = False) -> Callable[[Endpoint], Endpoint]:
    """The endpoint runs only for an authorised request; others get a 401 in the endpoint's own language."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            if not authorised(request, page=page):
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
    return HTMLResponse("<p>This page needs the incidentbot token: open it as <code>?token=…</code>.</p>",
                        status_code=401)  # fmt: skip
