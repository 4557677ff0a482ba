"""The `/outage` slash command: parse, run the handler (one transaction), then answer the person."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from incidentbot.domain.model import Incident, Status
from incidentbot.messages import (
    confirm_cancel,
    confirm_resolve,
    declare_modal,
    done,
    error_message,
    help_message,
    incident_list,
    incident_status,
    timeline_message,
)
from incidentbot.messages.ephemeral import LIST_ROOM
from incidentbot.messages.message import compose, context
from incidentbot.messages.reports import report_received
from incidentbot.messages.usage import USAGE
from incidentbot.service import commands as c
from incidentbot.service import confirmations, lifecycle, queries, reports, roles, sign_in
from incidentbot.service import declare as declaring
from incidentbot.service.context import Caller, Context, Reply
from incidentbot.service.people import remember_name
from incidentbot.service.targets import channel_division
from incidentbot.slack.listeners.guard import answer
from incidentbot.slack.listeners.record import known_owner, run_record, show_postmortem
from incidentbot.slack.parser import ParseError, parse, typed_command
from incidentbot.store import dedupe

log = logging.getLogger("incidentbot.slack")

COMMAND = "/outage"


def register(app: App, *, ctx: Context) -> None:
    @app.command(COMMAND)
    def on_outage(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        caller = Caller(user_id=command["user_id"], channel_id=command.get("channel_id"),
                        channel_name=command.get("channel_name"))
        parsed = parse(command.get("text") or "", id_prefix=ctx.config.id_prefix)
        log.info("%s %s by %s in %s", COMMAND, type(parsed).__name__, caller.user_id, caller.channel_name)
        reply = _answer(parsed, command, caller=caller, ctx=ctx, client=client, request_key=context.get("request_key"))
        # Before the answer, so the name is known once the command is (a lookup in memory once seen lately).
        remember_name(ctx, caller.user_id, command.get("user_name"))
        if reply is None:  # a retry of a request already answered
            ack()
        elif reply.text:
            ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")
        else:
            ack()


def _answer(parsed: c.Command | ParseError, command: dict[str, Any], *, caller: Caller, ctx: Context,
            client: WebClient, request_key: str | None) -> Reply | None:
    """The answer to one `/outage …`, or None when Slack sent the same request again after it was answered."""
    if isinstance(parsed, c.OpenDeclareModal):
        return answer(lambda: _open_modal(ctx, caller, client, command.get("trigger_id")))
    if isinstance(parsed, c.SignInLink):
        return answer(lambda: _send_sign_in_link(ctx, caller, client))
    try:
        with dedupe.with_first_write(request_key, now=ctx.clock()):
            return answer(lambda: run(known_owner(parsed, client), caller=caller, ctx=ctx),
                          command=typed_command(command.get("text")))
    except dedupe.AlreadyProcessed:
        log.info("request %s already received; not processing it again", request_key)
        return None


def run(parsed: c.Command | ParseError, *, caller: Caller, ctx: Context) -> Reply:
    """What `/outage …` does for `caller`; returns the ephemeral answer. Changes are committed on return.
    (`/outage declare` with no text opens the form instead: `on_outage` never passes OpenDeclareModal here.)"""
    if isinstance(parsed, ParseError):
        return _reply(error_message(parsed.message, parsed.usage))
    return HANDLERS[type(parsed)](parsed, caller, ctx)


# ----- one small function per command, and the table from command type to it -----------------------------

Handler = Callable[[Any, Caller, Context], Reply]


def _help(cmd: c.Help, caller: Caller, ctx: Context) -> Reply:
    return _reply(help_message(cmd.topic))


def _declare(cmd: c.Declare, caller: Caller, ctx: Context) -> Reply:
    incident = declaring.declare(cmd, caller=caller, ctx=ctx)
    where = ctx.config.channel_for(incident.division)
    label = "Drill " if incident.drill else ""
    return _say(f"{label}{incident.label} declared (SEV{incident.severity}, {incident.division}). "
                f"Follow it in the thread in #{where}.")


def _update(cmd: c.Update, caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.post_update(cmd, caller=caller, ctx=ctx)
    if cmd.status is Status.RESOLVED:
        return _confirm_resolve(incident, cmd.text, caller, ctx)
    return _say(f"Update posted to {incident.label}.")


def _note(cmd: c.Note, caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.add_note(cmd, caller=caller, ctx=ctx)
    return _say(f"Noted on {incident.label}'s timeline.")


def _change_severity(cmd: c.ChangeSeverity, caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.change_severity(cmd, caller=caller, ctx=ctx)
    return _say(f"{incident.label} is now SEV{incident.severity}.")


def _set_fields(cmd: c.SetFields, caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.set_fields(cmd, caller=caller, ctx=ctx)
    return _say(f"Recorded on {incident.label}.")


def _resolve(cmd: c.Resolve, caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.check_can_close(cmd.ref, caller=caller, ctx=ctx, verb="resolve")
    return _confirm_resolve(incident, cmd.summary, caller, ctx)


def _confirm_resolve(incident: Incident, summary: str | None, caller: Caller, ctx: Context) -> Reply:
    """The Resolve question; a summary waits on the server for the click (a button's value is too small)."""
    token = confirmations.offer(incident, summary, caller=caller, ctx=ctx) if summary else None
    return _reply(confirm_resolve(incident, summary=summary, token=token))


def _cancel(cmd: c.Cancel, caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.check_can_close(cmd.ref, caller=caller, ctx=ctx, verb="cancel")
    return _reply(confirm_cancel(incident))


def _request_handoff(cmd: c.RequestHandoff, caller: Caller, ctx: Context) -> Reply:
    incident = roles.request_handoff(cmd, caller=caller, ctx=ctx)
    return _say(f"Asked <@{cmd.to}> to take over as {cmd.role} of {incident.label}. "
                f"The role stays where it is until they accept.")


def _answer_handoff(cmd: c.Ack | c.Decline, caller: Caller, ctx: Context) -> Reply:
    incident, answered = roles.answer_handoff(cmd, caller=caller, ctx=ctx)
    verb = "are now the" if isinstance(cmd, c.Ack) else "declined the"
    names = " and ".join(str(h.role) for h in answered)
    return _say(f"You {verb} {names} of {incident.label}.")


def _list_open(cmd: c.ListOpen, caller: Caller, ctx: Context) -> Reply:
    shown, total = queries.first_open(ctx, LIST_ROOM + 1)  # not all 1,000 when 1,000 are open
    return _reply(incident_list(shown, now=ctx.clock(), total=total))


def _show_status(cmd: c.ShowStatus, caller: Caller, ctx: Context) -> Reply:
    view = queries.incident_for(ctx, caller, cmd.ref, timeline=False)
    status = incident_status(view.incident, now=ctx.clock(), public_url=ctx.config.public_url,
                             undelivered=view.undelivered)
    if view.failed:
        failed = (f"⚠️ {view.failed} Slack post(s) for {view.incident.label} could not be delivered; "
                  "see the timeline.")
        status = compose(status.text, [*status.blocks, context(failed)])
    return _reply(status)


def _show_timeline(cmd: c.ShowTimeline, caller: Caller, ctx: Context) -> Reply:
    view = queries.incident_for(ctx, caller, cmd.ref)
    return _reply(timeline_message(view.incident, view.timeline))


def _report(cmd: c.Report, caller: Caller, ctx: Context) -> Reply:
    report = reports.file_report(cmd.text, caller=caller, ctx=ctx)
    return _say(report_received(report, channel=ctx.config.triage_channel, response=ctx.config.report_response))


HANDLERS: dict[type, Handler] = {
    c.Help: _help,
    c.Declare: _declare,
    c.Update: _update,
    c.Note: _note,
    c.ChangeSeverity: _change_severity,
    c.SetFields: _set_fields,
    c.Resolve: _resolve,
    c.Cancel: _cancel,
    c.RequestHandoff: _request_handoff,
    c.Ack: _answer_handoff,
    c.Decline: _answer_handoff,
    c.ListOpen: _list_open,
    c.ShowStatus: _show_status,
    c.ShowTimeline: _show_timeline,
    c.Postmortem: show_postmortem,
    c.AddAction: run_record,
    c.ListActions: run_record,
    c.DoneAction: run_record,
    c.ReopenAction: run_record,
    c.ShowStats: run_record,
    c.Report: _report,
}


def records_itself(text: str, *, id_prefix: str) -> bool:
    """Whether `/outage <text>` records its request key in its own write transaction (every command but the
    form, which writes nothing and opens a Slack view); a command that only reads records nothing at all."""
    return not isinstance(parse(text, id_prefix=id_prefix), c.OpenDeclareModal)



def _open_modal(ctx: Context, caller: Caller, client: WebClient, trigger_id: str | None) -> Reply:
    if not trigger_id:
        return _reply(error_message("Slack sent no trigger to open the form with; use the flags instead.",
                                    USAGE["declare"]))
    with ctx.read_uow() as uow:
        default_division = channel_division(uow, ctx, caller)
    view = declare_modal(divisions=[d.name for d in ctx.config.divisions], default_division=default_division,
                         private_metadata=caller.channel_id or "")
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except Exception:
        log.warning("could not open the declare form", exc_info=True)
        return _reply(error_message("Slack did not open the form. Declare with flags instead:",
                                    USAGE["declare"]))
    return Reply(text="")


def _send_sign_in_link(ctx: Context, caller: Caller, client: WebClient) -> Reply:
    """DM the link straight away, not through the outbox: the secret must not be stored in clear anywhere."""
    url = sign_in.issue_link(ctx, caller.user_id)
    text = (f"<{url}|Sign in to the incident pages> as yourself. The link works once, for 15 minutes; "
            "type `/outage web` again for a new one.")
    try:
        dm = client.conversations_open(users=caller.user_id)["channel"]["id"]
        client.chat_postMessage(channel=dm, text=text, unfurl_links=False, unfurl_media=False)
    except Exception:
        log.warning("could not DM a sign-in link", exc_info=True)
        return _reply(error_message("Slack did not deliver the sign-in link to your DMs. Try again.", None))
    return _say("Sent you a sign-in link in a direct message.")


def _reply(msg: Any) -> Reply:
    return Reply(text=msg.text, blocks=msg.blocks)


def _say(text: str) -> Reply:
    return _reply(done(text))
