"""Reports of problems in Slack: the "Report a problem" shortcut and form, and the triage post's two buttons."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from incidentbot.messages import declare_modal, ids
from incidentbot.messages.message import plain, section
from incidentbot.messages.modal import TITLE
from incidentbot.messages.reports import dismiss_modal, report_modal, report_received
from incidentbot.service import reports
from incidentbot.service.context import Caller, Context, Refused, Reply
from incidentbot.slack.listeners.guard import answer
from incidentbot.store import reports as store

log = logging.getLogger("incidentbot.slack")


def register(app: App, *, ctx: Context) -> None:
    @app.shortcut(ids.REPORT_SHORTCUT)
    @app.action(ids.HOME_REPORT)
    def on_report_shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        answer(lambda: _opened(client, body, report_modal()))

    @app.action(ids.HOME_DECLARE)
    def on_home_declare(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        divisions = [d.name for d in ctx.config.divisions]
        answer(lambda: _opened(client, body, declare_modal(divisions=divisions, default_division=None,
                                                           private_metadata="")))

    @app.view(ids.REPORT_MODAL)
    def on_report_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        text = _input(view, ids.REPORT_BLOCK, ids.REPORT_ACTION)
        if not text:
            ack(response_action="errors", errors={ids.REPORT_BLOCK: "Say in a few words what you see."})
            return
        try:
            report = reports.file_report(text, caller=Caller(user_id=_user(body)), ctx=ctx)
        except Exception:
            log.exception("filing a report from the form failed")
            ack(response_action="errors",
                errors={ids.REPORT_BLOCK: "Something went wrong on our side and nothing was recorded. Try again."})
            return
        said = report_received(report, channel=ctx.config.triage_channel, response=ctx.config.report_response)
        ack(response_action="update", view=_notice("Problem reported", said))

    _register_answers(app, ctx=ctx)


def _register_answers(app: App, *, ctx: Context) -> None:
    """The triage post's buttons, and the "Not an outage" form."""

    @app.action(ids.DECLARE_FROM_REPORT)
    def on_declare_from(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                        respond: Respond) -> None:  # fmt: skip
        ack()
        reply = answer(lambda: _declare_form(ctx, client, body, _report_id(action)))
        _tell(respond, reply)

    @app.action(ids.DISMISS_REPORT)
    def on_dismiss(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient,
                   respond: Respond) -> None:  # fmt: skip
        ack()
        reply = answer(lambda: _dismiss_form(ctx, client, body, _report_id(action)))
        _tell(respond, reply)

    @app.view(ids.DISMISS_MODAL)
    def on_dismiss_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        reason = _input(view, ids.REASON_BLOCK, ids.REASON_ACTION)
        if not reason:
            ack(response_action="errors", errors={ids.REASON_BLOCK: "Say why this is not an outage."})
            return
        metadata = view.get("private_metadata") or ""
        reply = answer(lambda: _dismissed(ctx, _number(metadata.partition(":")[0]), reason, _user(body)))
        if reply.text.startswith("Dismissed"):
            ack()
        else:
            ack(response_action="errors", errors={ids.REASON_BLOCK: reply.text[:150]})


def _declare_form(ctx: Context, client: WebClient, body: dict[str, Any], report_id: int) -> Reply:
    with ctx.read_uow() as uow:
        report = store.get(uow.conn, report_id)
    if report is None or report.state != store.OPEN:
        raise Refused("That report was already answered." if report else "That report does not exist.")
    view = declare_modal(divisions=[d.name for d in ctx.config.divisions], default_division=None,
                         private_metadata=f"report:{report.id}", summary=report.text[:500])
    _open(client, body, view)
    return Reply(text="")


def _dismiss_form(ctx: Context, client: WebClient, body: dict[str, Any], report_id: int) -> Reply:
    with ctx.read_uow() as uow:
        report = store.get(uow.conn, report_id)
    if report is None or report.state != store.OPEN:
        raise Refused("That report was already answered." if report else "That report does not exist.")
    container = body.get("container") or {}
    _open(client, body, dismiss_modal(report, channel=str(container.get("channel_id", "")),
                                      ts=str(container.get("message_ts", ""))))
    return Reply(text="")


def _dismissed(ctx: Context, report_id: int, reason: str, user: str) -> Reply:
    report = reports.dismiss(report_id, reason, caller=Caller(user_id=user), ctx=ctx)
    return Reply(text=f"Dismissed {report.label}.")


def _open(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    trigger = body.get("trigger_id")
    if not isinstance(trigger, str) or not trigger:
        raise Refused("Slack sent no trigger to open the form with; try again.")
    try:
        client.views_open(trigger_id=trigger, view=view)
    except Exception:
        log.warning("could not open a form", exc_info=True)
        raise Refused("Slack did not open the form; try again.") from None


def _opened(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> Reply:
    _open(client, body, view)
    return Reply(text="")


def _notice(title: str, said: str) -> dict[str, Any]:
    return {"type": "modal", "title": plain(title, TITLE), "close": plain("Close", TITLE), "blocks": [section(said)]}


def _input(view: dict[str, Any], block: str, action: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    found = (values.get(block) or {}).get(action) or {} if isinstance(values, dict) else {}
    value = found.get("value") if isinstance(found, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _report_id(action: dict[str, Any]) -> int:
    from incidentbot.slack.listeners.actions import _value

    return _number(_value(action).get("report"))


def _number(value: Any) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise Refused("This button does not name a report; it may come from an older version of the bot.")
    return value


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id", ""))


def _tell(respond: Respond, reply: Reply) -> None:
    if not reply.text:
        return
    try:
        respond(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral", replace_original=False)
    except Exception:
        log.warning("could not answer the click", exc_info=True)
