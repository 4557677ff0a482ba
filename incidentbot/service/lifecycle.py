"""Commands that move an open incident along: update, note, severity, book-keeping, resolve, cancel."""

from __future__ import annotations

from incidentbot.domain.model import Incident, Status
from incidentbot.messages import (
    cancelled_post,
    company_resolved,
    company_severity,
    company_update,
    handoff_withdrawn,
    resolved_post,
    severity_post,
    update_post,
)
from incidentbot.messages.company import escalation
from incidentbot.service import confirmations
from incidentbot.service.apply import commit_change
from incidentbot.service.commands import Cancel, ChangeSeverity, Note, Resolve, SetFields, Update
from incidentbot.service.context import Caller, Context
from incidentbot.service.posts import Posts
from incidentbot.service.targets import find_incident


def post_update(cmd: Update, *, caller: Caller, ctx: Context) -> Incident:
    """Posts the update; `--status resolved` records the update and leaves resolving to its confirmation."""
    now = ctx.clock()
    status = None if cmd.status is Status.RESOLVED else cmd.status
    with ctx.new_uow() as uow:
        incident = find_incident(uow, ctx, caller, cmd.ref, lock=True)
        old_status = incident.status
        incident.post_update(text=cmd.text, actor=caller.user_id, now=now, policy=ctx.policy, status=status)
        changed_from = old_status if incident.status != old_status else None
        posts = Posts(ctx, now)
        url = ctx.config.public_url  # a text too long for a block links to the whole on the incident page
        posts.thread(incident, update_post(incident, text=cmd.text, actor=caller.user_id,
                                           status_changed_from=changed_from, public_url=url))
        posts.edit_root(incident)
        posts.company(incident, company_update(incident, text=cmd.text, actor=caller.user_id, public_url=url))
        commit_change(uow, ctx, incident, posts, topic=changed_from is not None)
        return incident


def add_note(cmd: Note, *, caller: Caller, ctx: Context) -> Incident:
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = find_incident(uow, ctx, caller, cmd.ref, lock=True)
        incident.add_note(text=cmd.text, actor=caller.user_id, now=now)
        commit_change(uow, ctx, incident, Posts(ctx, now))
        return incident


def change_severity(cmd: ChangeSeverity, *, caller: Caller, ctx: Context) -> Incident:
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = find_incident(uow, ctx, caller, cmd.ref, lock=True)
        old, was_company_wide = incident.severity, incident.company_wide
        incident.change_severity(severity=cmd.severity, actor=caller.user_id, now=now, policy=ctx.policy,
                                 admins=ctx.admins)
        posts = Posts(ctx, now)
        posts.thread(incident, severity_post(incident, old=old, actor=caller.user_id))
        posts.edit_root(incident)
        if incident.company_wide and not was_company_wide:
            posts.company(incident, escalation(incident, old=old, actor=caller.user_id,
                                               public_url=ctx.config.public_url, now=now))
        else:
            posts.company(incident, company_severity(incident, old=old))
        commit_change(uow, ctx, incident, posts, topic=True)
        return incident


def set_fields(cmd: SetFields, *, caller: Caller, ctx: Context) -> Incident:
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = find_incident(uow, ctx, caller, cmd.ref, lock=True)
        incident.set_fields(values=dict(cmd.values), actor=caller.user_id, now=now, tz=ctx.config.tz,
                            causes=ctx.config.causes)
        commit_change(uow, ctx, incident, Posts(ctx, now))
        return incident


def resolve(cmd: Resolve, *, caller: Caller, ctx: Context) -> Incident:
    """Carried out after the person confirmed (the confirmation button names the incident)."""
    return _close(cmd.ref, caller=caller, ctx=ctx, verb="resolve", summary=cmd.summary)


def resolve_confirmed(token: str, *, caller: Caller, ctx: Context) -> Incident:
    """A Confirm click whose summary waited on the server (see service.confirmations): taken once, in the same
    transaction as the resolution."""
    return _close(None, caller=caller, ctx=ctx, verb="resolve", token=token)


def cancel(cmd: Cancel, *, caller: Caller, ctx: Context) -> Incident:
    return _close(cmd.ref, caller=caller, ctx=ctx, verb="cancel")


def _close(
    ref: int | None, *, caller: Caller, ctx: Context, verb: str, summary: str | None = None, token: str | None = None
) -> Incident:
    """Resolve or cancel: the thread and root say so, the company channel too when it heard of the outage,
    and anyone still asked to take a role is told the request is withdrawn."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        if token is not None:
            ref, summary = confirmations.take(uow, token, ctx=ctx)
        incident = find_incident(uow, ctx, caller, ref, lock=True)
        withdrawn = list(incident.pending_handoffs)
        if verb == "resolve":
            incident.resolve(actor=caller.user_id, now=now, summary=summary, admins=ctx.admins)
            said = resolved_post(incident, actor=caller.user_id, public_url=ctx.config.public_url)
        else:
            incident.cancel(actor=caller.user_id, now=now, admins=ctx.admins)
            said = cancelled_post(incident, actor=caller.user_id)
        posts = Posts(ctx, now)
        posts.thread(incident, said)
        posts.edit_root(incident)
        posts.company(incident, company_resolved(incident, public_url=ctx.config.public_url))
        for handoff in withdrawn:
            posts.dm(incident, handoff.to, handoff_withdrawn(incident, handoff))
        commit_change(uow, ctx, incident, posts, topic=True)
        return incident


def check_can_close(ref: int | None, *, caller: Caller, ctx: Context, verb: str) -> Incident:
    """Before showing a confirmation button: the incident exists, is open, and the caller may close it.

    The domain's own check, so the button is never offered for a change the domain would then refuse.
    """
    with ctx.read_uow() as uow:
        incident = find_incident(uow, ctx, caller, ref, lock=False)
    incident.check_can_close(actor=caller.user_id, admins=ctx.admins, cancel=verb == "cancel")
    return incident
