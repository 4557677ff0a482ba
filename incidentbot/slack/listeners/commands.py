"""The `/outage` slash command: parse, run the handler (one transaction), then answer the person."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from incidentbot.domain.model import Status
from incidentbot.messages import (
    confirm_cancel,
    confirm_resolve,
    declare_modal,
    done,
    error_message,
    help_message,
    incident_list,
    incident_status,
    postmortem_draft,
    timeline_message,
)
from incidentbot.messages.message import compose, context
from incidentbot.messages.postmortem import postmortem_markdown
from incidentbot.messages.reports import report_received
from incidentbot.messages.usage import NOT_YET, USAGE
from incidentbot.service import commands as c
from incidentbot.service import declare as declaring
from incidentbot.service import lifecycle, queries, reports, roles
from incidentbot.service.context import Caller, Context, Reply
from incidentbot.service.targets import channel_division
from incidentbot.slack.listeners.guard import answer
from incidentbot.slack.parser import ParseError, parse, typed_command

log = logging.getLogger("incidentbot.slack")

COMMAND = "/outage"


def register(app: App, *, ctx: Context) -> None:
    @app.command(COMMAND)
    def on_outage(ack: Ack, command: dict[str, Any], client: WebClient, respond: Respond) -> None:
        caller = Caller(user_id=command["user_id"], channel_id=command.get("channel_id"),
                        channel_name=command.get("channel_name"))
        parsed = parse(command.get("text") or "", id_prefix=ctx.config.id_prefix)
        log.info("%s %s by %s in %s", COMMAND, type(parsed).__name__, caller.user_id, caller.channel_name)
        if isinstance(parsed, c.OpenDeclareModal):
            reply = answer(lambda: _open_modal(ctx, caller, client, command.get("trigger_id")))
        else:
            reply = answer(lambda: run(parsed, caller=caller, ctx=ctx), command=typed_command(command.get("text")))
        if reply.text:
            ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")
        else:
            ack()


def run(parsed: c.Command | ParseError, *, caller: Caller, ctx: Context) -> Reply:
    """What `/outage …` does for `caller`; returns the ephemeral answer. Changes are committed on return."""
    if isinstance(parsed, ParseError):
        return _reply(error_message(parsed.message, parsed.usage))
    match parsed:
        case c.Help(topic=topic):
            return _reply(help_message(topic))
        case c.Declare():
            incident = declaring.declare(parsed, caller=caller, ctx=ctx)
            where = ctx.config.channel_for(incident.division)
            label = "Drill " if incident.drill else ""
            return _say(f"{label}{incident.label} declared (SEV{incident.severity}, {incident.division}). "
                        f"Follow it in the thread in #{where}.")
        case c.Update():
            incident = lifecycle.post_update(parsed, caller=caller, ctx=ctx)
            if parsed.status is Status.RESOLVED:
                return _reply(confirm_resolve(incident, summary=parsed.text))
            return _say(f"Update posted to {incident.label}.")
        case c.Note():
            incident = lifecycle.add_note(parsed, caller=caller, ctx=ctx)
            return _say(f"Noted on {incident.label}'s timeline.")
        case c.ChangeSeverity():
            incident = lifecycle.change_severity(parsed, caller=caller, ctx=ctx)
            return _say(f"{incident.label} is now SEV{incident.severity}.")
        case c.SetFields():
            incident = lifecycle.set_fields(parsed, caller=caller, ctx=ctx)
            return _say(f"Recorded on {incident.label}.")
        case c.Resolve(ref=ref, summary=summary):
            incident = lifecycle.check_can_close(ref, caller=caller, ctx=ctx, verb="resolve")
            return _reply(confirm_resolve(incident, summary=summary))
        case c.Cancel(ref=ref):
            incident = lifecycle.check_can_close(ref, caller=caller, ctx=ctx, verb="cancel")
            return _reply(confirm_cancel(incident))
        case c.RequestHandoff():
            incident = roles.request_handoff(parsed, caller=caller, ctx=ctx)
            return _say(f"Asked <@{parsed.to}> to take over as {parsed.role} of {incident.label}. "
                        f"The role stays where it is until they accept.")
        case c.Ack() | c.Decline():
            incident, answered = roles.answer_handoff(parsed, caller=caller, ctx=ctx)
            verb = "are now the" if isinstance(parsed, c.Ack) else "declined the"
            names = " and ".join(str(h.role) for h in answered)
            return _say(f"You {verb} {names} of {incident.label}.")
        case c.ListOpen():
            return _reply(incident_list(queries.open_incidents(ctx), now=ctx.clock()))
        case c.ShowStatus(ref=ref):
            view = queries.incident_for(ctx, caller, ref)
            status = incident_status(view.incident, now=ctx.clock(), public_url=ctx.config.public_url,
                                     undelivered=view.undelivered)
            if view.failed:
                failed = (f"⚠️ {view.failed} Slack post(s) for {view.incident.label} could not be delivered; "
                          "see the timeline.")
                status = compose(status.text, [*status.blocks, context(failed)])
            return _reply(status)
        case c.ShowTimeline(ref=ref):
            view = queries.incident_for(ctx, caller, ref)
            return _reply(timeline_message(view.incident, view.timeline))
        case c.Postmortem(ref=ref):
            view = queries.incident_for(ctx, caller, ref)
            draft = postmortem_markdown(view.incident, view.timeline)
            return _reply(postmortem_draft(view.incident, draft, public_url=ctx.config.public_url))
        case c.Report():
            return _report(parsed, caller, ctx)
        case c.AddAction() | c.ListActions() | c.DoneAction():
            return _reply(error_message(NOT_YET, None))
        case _:
            return _reply(error_message("That command is not available in this version of incidentbot.", None))


def _report(cmd: c.Report, caller: Caller, ctx: Context) -> Reply:
    report = reports.file_report(cmd.text, caller=caller, ctx=ctx)
    return _say(report_received(report, channel=ctx.config.triage_channel, response=ctx.config.report_response))


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


def _reply(msg: Any) -> Reply:
    return Reply(text=msg.text, blocks=msg.blocks)


def _say(text: str) -> Reply:
    return _reply(done(text))
