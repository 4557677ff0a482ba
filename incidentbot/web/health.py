"""`GET /healthz`: whether the database answers, and how much of the outbox is waiting or has failed."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from incidentbot.service import queries

log = logging.getLogger("incidentbot.web")


async def healthz(request: Request) -> Response:
    try:
        counts = await run_in_threadpool(queries.delivery_counts, request.app.state.ctx)
    except Exception:
        log.exception("health check: database unavailable")
        return JSONResponse({"ok": False, "database": "unavailable"}, status_code=503)
    return JSONResponse({"ok": True, "database": "ok",
                         "outbox": {"undelivered": counts["pending"], "failed": counts["failed"]}})  # fmt: skip
