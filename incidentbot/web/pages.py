"""Pages for people: the status page `/incidents`, the running document `/incidents/{id}`, and `/live`, the
signal their script polls to refresh themselves (server-rendered, escaped by Jinja, readable without script)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from incidentbot.domain.incident_id import parse_id
from incidentbot.service import pages as page_queries
from incidentbot.service import queries
from incidentbot.service.context import Context
from incidentbot.store.page_signals import Delivery
from incidentbot.web import render
from incidentbot.web.auth import remember_page_token, token_required, viewer

_SCRIPT = (resources.files("incidentbot.web") / "templates" / "live.js").read_text(encoding="utf-8")
DONE = {  # what the page says after a form worked (a fixed list: no text from the URL reaches the page)
    "declared": "Declared. Slack hears of it as soon as it can be reached.",
    "update": "Update posted.",
    "note": "Note added to the timeline.",
    "severity": "Severity changed.",
    "accept": "You took over the role.",
    "resolve": "Resolved.",
    "action": "Action item added.",
    "action_done": "Action item closed.",
    "section": "Section saved: from now on it keeps your words.",
}


async def page_frame(
    request: Request, delivery: Delivery | None = None, *, people: Iterable[str | None] = ()
) -> render.Page:
    """What every page shows around its content; `people`: the members it names, shown by name where known."""
    ctx: Context = request.app.state.ctx
    who = await viewer(request)
    if delivery is None:
        delivery = await run_in_threadpool(page_queries.delivery, ctx)
    names = await run_in_threadpool(page_queries.names_of, ctx, [who.user, *people])
    return render.Page(base=ctx.config.public_url, tz=ctx.config.tz, now=ctx.clock(), delivery=delivery,
                       user=who.user, can_write=who.can_write, csrf=who.csrf,
                       divisions=[d.name for d in ctx.config.divisions], names=names)  # fmt: skip


@token_required(page=True)
async def incidents_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    found = await run_in_threadpool(page_queries.status_page, ctx)
    version = await run_in_threadpool(page_queries.version, ctx)
    named = page_queries.people_in([*found.open, *found.recent])
    body = render.status_page(await page_frame(request, found.delivery, people=named), found.open, found.recent,
                              version=version)
    return remember_page_token(request, _html(body))


@token_required(page=True)
async def incident_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    view = await run_in_threadpool(queries.incident_by_number, ctx, number) if number else None
    if view is None:
        return HTMLResponse(f"<p>No outage {html.escape(request.path_params['id'])}.</p>", status_code=404)
    version = await run_in_threadpool(page_queries.version, ctx)
    message = DONE.get(request.query_params.get("done", ""), "")
    named = {*page_queries.people_in([view.incident]), *(e.actor for e in view.timeline),
             *(person for a in view.actions for person in (a.owner, a.done_by))}
    body = render.incident_page(await page_frame(request, people=named), view.incident, view.timeline,
                                message=message, version=version, actions=view.actions)  # fmt: skip
    return remember_page_token(request, _html(body))


@token_required(page=True)
async def live(request: Request) -> Response:
    """`{"version": …}`: changes whenever something a page shows changes (see service.pages.version);
    `?postmortem=OUT-7` (the postmortem page) also follows the edits of that document."""
    ctx: Context = request.app.state.ctx
    number = parse_id(request.query_params.get("postmortem", ""), ctx.config.id_prefix)
    version = await run_in_threadpool(lambda: page_queries.version(ctx, postmortem_of=number))
    return JSONResponse({"version": version}, headers={"Cache-Control": "no-store"})


async def live_script(request: Request) -> Response:
    """The pages' only script: it polls `/live` and swaps the parts of the page marked `data-live`."""
    return Response(_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "max-age=300"})


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
