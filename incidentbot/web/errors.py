"""Answers for requests no endpoint handled: unknown paths and methods (404, 405), and failures (500)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("incidentbot.web")


async def not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    return JSONResponse({"error": f"{request.method} {request.url.path}: {status_text(status)}"},
                        status_code=status)  # fmt: skip


async def server_error(request: Request, exc: Exception) -> Response:
    """The cause goes to the log under an id; the answer carries only the id (no stack trace, no secrets)."""
    error_id = uuid.uuid4().hex[:8]
    log.error("%s %s failed (error id %s)", request.method, request.url.path, error_id, exc_info=exc)
    return JSONResponse({"error": "internal error", "error_id": error_id}, status_code=500)


def status_text(status: int) -> str:
    return {404: "not found", 405: "method not allowed"}.get(status, "error")


HANDLERS: dict[Any, Any] = {HTTPException: not_found, Exception: server_error}
