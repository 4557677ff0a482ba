"""Handoffs of the commander and communicator roles: they count only once the new holder accepts."""

from __future__ import annotations

from incidentbot.domain.model import Handoff, Incident, Role
from incidentbot.messages import (
    handoff_accepted_post,
    handoff_declined_post,
    handoff_request,
    handoff_requested_post,
    handoff_result_for_requester,
    handoff_withdrawn,
)
from incidentbot.messages.dm import roles_duties
from incidentbot.service.apply import commit_change
from incidentbot.service.commands import Ack, Decline, RequestHandoff
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.service.posts import Posts
from incidentbot.service.targets import CANDIDATES, find_incident
from incidentbot.store.unit_of_work import UnitOfWork


def request_handoff(cmd: RequestHandoff, *, caller: Caller, ctx: Context) -> Incident:
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = find_incident(uow, ctx, caller, cmd.ref, lock=True)
        replaced = [h for h in incident.pending_handoffs if h.role is cmd.role]
        handoff = incident.request_handoff(role=cmd.role, to=cmd.to, actor=caller.user_id, now=now, admins=ctx.admins)
        posts = Posts(ctx, now)
        for earlier in replaced:
            posts.dm(incident, earlier.to, handoff_withdrawn(incident, earlier))
        posts.thread(incident, handoff_requested_post(incident, handoff))
        posts.edit_root(incident)
        posts.dm(incident, handoff.to, handoff_request(incident, handoff,
                                                      cadence=ctx.policy.update_interval(incident.severity)))
        commit_change(uow, ctx, incident, posts)
        return incident


def answer_handoff(
    cmd: Ack | Decline, *, caller: Caller, ctx: Context, role: Role | None = None
) -> tuple[Incident, list[Handoff]]:
    """Accept (Ack) or decline (Decline) the caller's pending handoffs on the incident."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = _addressed_to(uow, ctx, caller, cmd.ref)
        previous = {r: incident.holder(r) for r in Role}
        posts = Posts(ctx, now)
        if isinstance(cmd, Ack):
            answered = incident.accept_handoff(user=caller.user_id, now=now, role=role)
            for handoff in answered:
                posts.thread(incident, handoff_accepted_post(incident, role=handoff.role, user=caller.user_id,
                                                             previous=previous[handoff.role]))
                posts.dm(incident, handoff.requested_by,
                         handoff_result_for_requester(incident, handoff, outcome="accepted"))
            # One DM for everything the person took on (both roles can be accepted at once).
            posts.dm(incident, caller.user_id, roles_duties(incident, roles=[h.role for h in answered]))
        else:
            answered = incident.decline_handoff(user=caller.user_id, now=now, role=role)
            for handoff in answered:
                posts.thread(incident, handoff_declined_post(incident, role=handoff.role, user=caller.user_id))
                posts.dm(incident, handoff.requested_by,
                         handoff_result_for_requester(incident, handoff, outcome="declined"))
        posts.edit_root(incident)
        commit_change(uow, ctx, incident, posts)
        return incident, answered


def _addressed_to(uow: UnitOfWork, ctx: Context, caller: Caller, ref: int | None) -> Incident:
    """The incident whose handoff the caller answers: the one named, else the only one asking them.

    People answer from wherever the request reached them (usually the DM), not from the outage channel.
    """
    if ref is None:
        asking, total = uow.incidents.asking(caller.user_id, CANDIDATES)
        if total > 1:
            raise Refused("Handoffs to you are pending on several outages: say which one you answer.",
                          candidates=asking, more=total - len(asking))
        if asking:
            ref = asking[0].number
        else:
            try:
                return find_incident(uow, ctx, caller, None, lock=True)
            except Refused:
                raise Refused("No handoff is waiting for your answer on any open outage: nothing changed.") from None
    return find_incident(uow, ctx, caller, ref, lock=True)
