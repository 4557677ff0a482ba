"""Following a `/outage web` link: `GET /signin/{secret}` shows a "Sign in" button (link previews and
scanners fetch links; a GET must not use up the link), `POST /signin` uses it and sets the session cookie.
`POST /signout` ends the session (on a shared computer, say) and clears the cookie."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from incidentbot.service import sign_in
from incidentbot.service.context import Context
from incidentbot.store.page_signals import Delivery
from incidentbot.web import render
from incidentbot.web.auth import PAGE_COOKIE, SESSION_COOKIE, same_origin
from incidentbot.web.pages import page_frame

NOTHING = Delivery(waiting=0, retrying=0, failed_recently=0, stuck=False)  # not shown to people not signed in
WHY_NOT = {
    "used": "This sign-in link was already used. Links work once: type /outage web in Slack for a new one.",
    "expired": "This sign-in link has expired (links last 15 minutes). Type /outage web in Slack for a new one.",
    "unknown": "This is not a sign-in link incidentbot knows. Type /outage web in Slack for a new one.",
}


async def sign_in_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    secret = request.path_params["secret"][:200]
    outcome = await run_in_threadpool(sign_in.check_link, ctx, secret)
    if outcome != "ok":
        return await _refused(request, outcome)
    body = render.ENV.get_template("signin.html").render(page=await page_frame(request, NOTHING), secret=secret)
    return HTMLResponse(body, headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin"})


async def sign_in_post(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    body = await request.body()
    if not same_origin(request):  # another site must not sign a browser in as someone else
        return await _refused(request, "unknown")
    try:
        secret = dict(parse_qsl(body[:4096].decode("utf-8"))).get("secret", "")[:200]
    except (UnicodeDecodeError, ValueError):
        secret = ""
    followed = await run_in_threadpool(sign_in.follow_link, ctx, secret) if secret else sign_in.Followed("unknown")
    if followed.outcome != "ok" or followed.session is None:
        return await _refused(request, followed.outcome)
    response = RedirectResponse("/incidents", status_code=303)
    response.set_cookie(SESSION_COOKIE, followed.session, max_age=int(sign_in.SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=ctx.config.public_url.startswith("https:"))  # fmt: skip
    return response


async def sign_out_post(request: Request) -> Response:
    """`POST /signout`: end this browser's session and clear its cookie; back to the pages, reading only."""
    ctx: Context = request.app.state.ctx
    if not same_origin(request):  # another site must not sign people out either
        return await _refused(request, "unknown")
    session = request.cookies.get(SESSION_COOKIE, "")[:200]
    if session:
        await run_in_threadpool(sign_in.sign_out, ctx, session)
    response = RedirectResponse("/incidents", status_code=303)
    for cookie in (SESSION_COOKIE, PAGE_COOKIE):  # the page token's cookie too, when a page was opened with it
        response.delete_cookie(cookie, httponly=True, samesite="lax", secure=ctx.config.public_url.startswith("https:"))
    return response


async def _refused(request: Request, outcome: str) -> Response:
    message = WHY_NOT.get(outcome, WHY_NOT["unknown"])
    body = render.problem(await page_frame(request, NOTHING), title="Cannot sign you in", message=message, status=400)
    return HTMLResponse(body, status_code=400 if outcome == "unknown" else 410)
