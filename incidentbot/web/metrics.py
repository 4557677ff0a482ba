"""`GET /metrics`: Prometheus text format. Open like `/healthz`: counts and ages only, no incident data."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from incidentbot.service import metrics as m

log = logging.getLogger("incidentbot.web")


async def metrics(request: Request) -> Response:
    state = request.app.state
    try:
        text = await run_in_threadpool(m.exposition, state.ctx, multiprocess_mode=state.metrics_multiprocess)
    except Exception:
        log.exception("metrics: could not read the database")
        return PlainTextResponse("database unavailable\n", status_code=503)
    return Response(text, media_type=m.CONTENT_TYPE)
