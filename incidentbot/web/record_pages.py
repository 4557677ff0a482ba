"""The record's pages: `/stats` (the service-quality record with charts, the numbers of `GET /api/stats`) and
`/incidents/{id}/postmortem` (the document, each section editable when signed in)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from incidentbot.domain.incident_id import parse_id
from incidentbot.domain.quality import MAX_DAYS
from incidentbot.service import pages as page_queries
from incidentbot.service import postmortem
from incidentbot.service.context import Context
from incidentbot.service.stats import record_with_series
from incidentbot.web import render, render_record
from incidentbot.web.auth import remember_page_token, token_required
from incidentbot.web.pages import DONE, page_frame

DEFAULT_DAYS = "90"  # as `GET /api/stats`


@token_required(page=True)
async def stats_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    days_text = request.query_params.get("days", "") or DEFAULT_DAYS
    if not (days_text.isascii() and days_text.isdigit() and 1 <= int(days_text[:6]) <= MAX_DAYS):
        body = render.problem(await page_frame(request), title="Not a window",
                              message=f"Days must be a whole number from 1 to {MAX_DAYS}.")  # fmt: skip
        return _html(body, 400)
    record, series = await run_in_threadpool(record_with_series, ctx, days=int(days_text))
    return remember_page_token(request, _html(render_record.stats_page(await page_frame(request), record, series)))


@token_required(page=True)
async def postmortem_page(request: Request) -> Response:
    ctx: Context = request.app.state.ctx
    number = parse_id(request.path_params["id"], ctx.config.id_prefix)
    found = await run_in_threadpool(postmortem.view, ctx, number) if number else None
    if found is None:
        body = render.problem(await page_frame(request), title="No such outage",
                              message=f"There is no outage {request.path_params['id']}.", status=404)  # fmt: skip
        return _html(body, 404)
    message = DONE.get(request.query_params.get("done", ""), "")
    version = await run_in_threadpool(lambda: page_queries.version(ctx, postmortem_of=number))
    body = render_record.postmortem_page(await page_frame(request), found, message=message, version=version)
    return remember_page_token(request, _html(body))


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
