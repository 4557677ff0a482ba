"""`GET /runbooks/{name}`: a Markdown runbook from the configured folder, and nothing outside it."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response


async def runbook(request: Request) -> Response:
    name = request.path_params["name"]
    folder = request.app.state.ctx.config.runbooks_dir
    if not re.fullmatch(r"[\w.-]+\.md", name, flags=re.ASCII):  # before any path is made of it (NUL, ..)
        return PlainTextResponse("no such runbook", status_code=404)
    path = (folder / name).resolve()
    if path.parent != Path(folder).resolve() or not path.is_file():
        return PlainTextResponse(f"no runbook {name}", status_code=404)
    return PlainTextResponse(path.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8")
