"""Declaring an outage: the incident, its announcement, its thread, its people told."""

from __future__ import annotations

from incidentbot.domain.model import Incident
from incidentbot.domain.validation import is_known_division
from incidentbot.messages import announcement, handoff_request, handoff_requested_post, runbook_post
from incidentbot.messages.dm import roles_duties
from incidentbot.messages.usage import USAGE
from incidentbot.service.apply import commit_change, ensure_rollup
from incidentbot.service.commands import Declare
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.service.posts import Posts
from incidentbot.service.reports import link_declared
from incidentbot.service.targets import channel_division
from incidentbot.store import dedupe


def declare(
    cmd: Declare, *, caller: Caller, ctx: Context, request_key: str | None = None, report_id: int | None = None
) -> Incident:
    """Record the incident and everything it must post, in one transaction. Returns the saved incident."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        if request_key is not None and not dedupe.first_time(uow.conn, request_key, now=now):
            raise Refused("This declaration was already received.")
        division = cmd.division or channel_division(uow, ctx, caller)
        _check_division(ctx, division)
        assert division is not None
        incident = Incident.declare(
            summary=cmd.summary, division=division, severity=cmd.severity, declared_by=caller.user_id, now=now,
            policy=ctx.policy, company_wide=cmd.company_wide, drill=cmd.drill, commander=cmd.commander,
            communicator=cmd.communicator, id_prefix=ctx.config.id_prefix,
        )  # fmt: skip
        uow.incidents.add(incident, origin_channel_id=caller.channel_id)
        if report_id is not None:  # declared from a report: it is answered, and the timeline links it
            link_declared(uow, ctx, report_id, incident, caller=caller, now=now)

        posts = Posts(ctx, now)
        posts.root(incident)
        runbook = ctx.config.runbook_path(division)
        if runbook is not None:
            url = f"{ctx.config.public_url}/runbooks/{runbook.name}"
            posts.thread(incident, runbook_post(incident, runbook_url=url, title=runbook.stem))
        posts.company(incident, announcement(incident, public_url=ctx.config.public_url, now=now))
        for user, roles in incident.duties_at_declaration().items():
            posts.dm(incident, user, roles_duties(incident, roles=roles))
        for handoff in incident.pending_handoffs:
            posts.thread(incident, handoff_requested_post(incident, handoff))
            posts.dm(incident, handoff.to, handoff_request(incident, handoff,
                                                           cadence=ctx.policy.update_interval(incident.severity)))
        if incident.in_company_channel:
            ensure_rollup(uow, ctx, now)
        commit_change(uow, ctx, incident, posts, topic=True, declared=True)
        return incident


def _check_division(ctx: Context, division: str | None) -> None:
    names = tuple(d.name for d in ctx.config.divisions)
    known = ", ".join(names)
    if division is None:
        hint = f" Known divisions: {known}." if known else ""
        raise Refused(
            "Say which division is affected with `--division NAME`, or declare from the division's outage channel."
            + hint,
            usage=USAGE["declare"],
        )
    if not is_known_division(division, names if ctx.config.divisions_restricted else None):
        raise Refused(f"Unknown division `{division}`. Known divisions: {known}.", usage=USAGE["declare"])
