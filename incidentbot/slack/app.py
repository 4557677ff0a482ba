"""The Bolt app: verification of every request, then one listener module per kind of request."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from incidentbot.service.context import Context
from incidentbot.slack.listeners import actions, commands, views

log = logging.getLogger("incidentbot.slack")


class _TokenNotice(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN from the environment is unused because we pass `authorize`; the token is
    in fact used (through `authorize`), so the warning would only mislead whoever reads the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("`token`" in message and ("will be unused" in message or "will be ignored" in message))


def build_app(
    *, ctx: Context, client: WebClient, token: str, signing_secret: str, bot_user_id: str | None = None
) -> App:
    """`client` carries no token: Bolt gives each listener a client with the token `authorize` returns."""

    def authorize(enterprise_id: str | None, team_id: str | None, **_: Any) -> AuthorizeResult:
        # A single-workspace bot: the token is known, so no auth.test round trip per request (which would
        # make every command fail while Slack's API is down).
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token,
                               bot_user_id=bot_user_id)

    bolt_log = logging.getLogger("slack_bolt")
    if not any(isinstance(f, _TokenNotice) for f in bolt_log.filters):
        bolt_log.addFilter(_TokenNotice())
    app = App(
        client=client,
        signing_secret=signing_secret,
        authorize=authorize,
        request_verification_enabled=True,
        url_verification_enabled=True,
        ssl_check_enabled=True,
        ignoring_self_events_enabled=False,
        logger=bolt_log,
        raise_error_for_unhandled_request=False,
    )
    commands.register(app, ctx=ctx)
    actions.register(app, ctx=ctx)
    views.register(app, ctx=ctx)
    return app
