"""A WebClient that counts every Slack Web API call by method and HTTP status, for `GET /metrics`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from incidentbot.service import metrics


class MeteredWebClient(WebClient):
    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            _count(api_method, str(error.response.status_code), ok=False)
            raise
        except Exception:
            _count(api_method, "none", ok=False)  # no answer: timeout, connection refused or reset
            raise
        _count(api_method, str(response.status_code), ok=bool(response.get("ok", True)))
        return response


def _count(method: str, status: str, *, ok: bool) -> None:
    metrics.SLACK_CALLS.labels(method=method, status=status).inc()
    if not ok:
        metrics.SLACK_ERRORS.labels(method=method, status=status).inc()
    if status == "429":
        metrics.SLACK_429.labels(method=method).inc()


class MeterSlackCalls(Middleware):
    """Bolt builds a plain WebClient for each request; the listener gets a metered one like it instead."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        plain = req.context.client
        if plain is not None and not isinstance(plain, MeteredWebClient):
            req.context["client"] = MeteredWebClient(
                token=plain.token, base_url=plain.base_url, timeout=plain.timeout, ssl=plain.ssl,
                proxy=plain.proxy, headers=plain.headers, logger=plain.logger, retry_handlers=plain.retry_handlers,
            )  # fmt: skip
        return next()
