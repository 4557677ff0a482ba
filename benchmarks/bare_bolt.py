"""The floor for `ack_under_load.py`: a slack-bolt app that only acknowledges `/outage`, served exactly the way
`incidentbot serve` serves the bot (Starlette + uvicorn, Bolt run in the thread pool, signature checked).

    SLACK_SIGNING_SECRET=... python benchmarks/bare_bolt.py --port 3100
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


def build(secret: str) -> Starlette:
    def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-test")

    bolt = App(signing_secret=secret, authorize=authorize, request_verification_enabled=True)

    @bolt.command("/outage")
    def on_outage(ack: Ack) -> None:
        ack(text="ok", response_type="ephemeral")

    async def events(request: Request) -> Response:
        body = (await request.body()).decode("utf-8")
        answer = await run_in_threadpool(bolt.dispatch, BoltRequest(body=body, query=request.url.query,
                                                                     headers=dict(request.headers)))
        return Response(content=answer.body, status_code=answer.status,
                        headers=answer.first_headers_without_set_cookie())

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]),
                             Route("/healthz", healthz, methods=["GET"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3100)
    args = parser.parse_args()
    uvicorn.run(build(os.environ["SLACK_SIGNING_SECRET"]), host=args.host, port=args.port, log_level="warning",
                access_log=False)


if __name__ == "__main__":
    main()
