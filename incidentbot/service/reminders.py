"""Due work, acted on: update reminders, overdue notices, handoff re-pings and expiry, postmortem reminders,
the company roll-up and the daily digest. The domain decides whether each is still owed."""

from __future__ import annotations

import logging
from datetime import timedelta

from incidentbot.domain.due import DueItem, DueKind, next_daily, next_rollup
from incidentbot.domain.model import Incident, Role
from incidentbot.domain.postmortem import empty_questions
from incidentbot.messages import (
    daily_digest,
    handoff_expired_post,
    handoff_request,
    handoff_result_for_requester,
    overdue_dm_for_commander,
    postmortem_reminder,
    rollup,
    update_due_dm,
    update_due_post,
    update_overdue_post,
)
from incidentbot.messages.dm import update_chase_dm
from incidentbot.messages.thread import update_chase_post
from incidentbot.service import follow_ups, postmortem, reports
from incidentbot.service.apply import commit_change
from incidentbot.service.context import Context
from incidentbot.service.leases import InHand
from incidentbot.service.posts import Posts
from incidentbot.store import due_work
from incidentbot.store.due_work import DueRow
from incidentbot.store.unit_of_work import UnitOfWork

log = logging.getLogger("incidentbot.scheduler")

# Short, and renewed by `renew_leases` every HEARTBEAT while the process acts on the row: a process that dies has
# its claimed work taken over by another within about LEASE, and a slow job is never taken from a live one.
LEASE = timedelta(seconds=10)
HEARTBEAT = LEASE / 3
# How many open outages a roll-up or a digest lists, worst first (the rest are counted): read within this bound
# however many are open, inside a transaction that, on SQLite, holds the write turn commands wait for.
COMPANY_SHOWN = 20


def run_due(ctx: Context, *, owner: str, in_hand: InHand, limit: int = 20) -> int:
    """Claim what has fallen due and act on each; returns how many rows were claimed."""
    with ctx.read_uow() as probe:
        next_due = due_work.next_due_at(probe.conn)
    if next_due is None or next_due > ctx.clock():
        return 0
    with ctx.new_uow() as uow:
        rows = due_work.claim(uow.conn, owner=owner, now=ctx.clock(), lease=LEASE, limit=limit)
        uow.commit()
    in_hand.add(row.id for row in rows)
    try:
        for row in rows:
            try:
                act(ctx, row, owner=owner)
            except Exception:
                log.exception("due work %s failed; it will be retried", row.key)
                with ctx.new_uow() as uow:
                    retry_in = timedelta(seconds=min(300, 5 * 2 ** min(row.attempts, 6)))
                    due_work.release(uow.conn, row.id, retry_at=ctx.clock() + retry_in)
                    uow.commit()
    finally:
        in_hand.drop(row.id for row in rows)
    return len(rows)


def renew_leases(ctx: Context, *, owner: str, in_hand: InHand) -> None:
    """The heartbeat: keep the due work this process is acting on leased to it for another LEASE."""
    ids = in_hand.ids()
    if not ids:
        return
    with ctx.new_uow() as uow:
        due_work.renew_leases(uow.conn, owner=owner, ids=ids, until=ctx.clock() + LEASE)
        uow.commit()


def recover_abandoned(ctx: Context) -> None:
    """At start-up on SQLite (one process per file): take back due work a dead process had claimed, now
    rather than when its lease runs out."""
    with ctx.new_uow() as uow:
        if uow.conn.dialect.name != "sqlite":
            return
        count = due_work.recover_abandoned(uow.conn)
        uow.commit()
    if count:
        log.warning("took back %d due-work row(s) claimed by a process that stopped", count)


def plan_digest(ctx: Context) -> None:
    """Make sure the next daily digest is planned (several processes may call this at once)."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        when = next_daily(now, ctx.config.daily_digest_at, ctx.config.tz)
        due_work.ensure(uow.conn, DueItem(DueKind.DIGEST, when))
        due_work.ensure(uow.conn, follow_ups.next_weekly_report(ctx, now))
        uow.commit()


def act(ctx: Context, row: DueRow, *, owner: str) -> None:
    with ctx.new_uow() as uow:
        # Lock the incident before its due-work row, in the order commands take them: a command, or another
        # process acting on another of the incident's rows, then waits here instead of deadlocking.
        incident = None if row.incident_number is None else uow.incidents.get(row.incident_number, lock=True)
        if not due_work.still_leased_by(uow.conn, row.id, owner):
            return  # done or re-planned meanwhile, or taken over after our lease ran out
        if row.kind is DueKind.REPORT_ESCALATE:
            reports.escalate(ctx, uow, row)
        elif row.incident_number is None:
            _workspace_job(ctx, uow, row)
        elif incident is not None:  # (an incident's rows go with it, so it is always there)
            _incident_job(ctx, uow, row, incident)
    log.info("due work %s (due %s) done by %s", row.key, row.due_at.isoformat(timespec="seconds"), owner)


def _incident_job(ctx: Context, uow: UnitOfWork, row: DueRow, incident: Incident) -> None:
    now, policy = ctx.clock(), ctx.policy
    posts = Posts(ctx, now)
    match row.kind:
        case DueKind.UPDATE_DUE:
            if incident.remind_update(now=now):
                posts.thread(incident, update_due_post(incident))
                posts.dm(incident, incident.communicator, update_due_dm(incident))
        case DueKind.UPDATE_OVERDUE:
            if incident.notice_overdue(now=now, policy=policy):
                posts.thread(incident, update_overdue_post(incident))
                posts.dm(incident, incident.commander, overdue_dm_for_commander(incident))
        case DueKind.UPDATE_CHASE:
            if incident.chase_update(now=now, policy=policy):
                posts.thread(incident, update_chase_post(incident, now=now))
                for user in dict.fromkeys((incident.communicator, incident.commander)):
                    posts.dm(incident, user, update_chase_dm(incident, user=user, now=now))
        case DueKind.HANDOFF_REPING:
            handoff = incident.reping_handoff(role=Role(str(row.role)), now=now, policy=policy)
            if handoff is not None:
                posts.dm(incident, handoff.to, handoff_request(
                    incident, handoff, cadence=policy.update_interval(incident.severity)))
        case DueKind.HANDOFF_EXPIRE:
            handoff = incident.expire_handoff(role=Role(str(row.role)), now=now, policy=policy)
            if handoff is not None:
                posts.thread(incident, handoff_expired_post(incident, handoff))
                posts.dm(incident, handoff.requested_by,
                         handoff_result_for_requester(incident, handoff, outcome="expired"))
                posts.edit_root(incident)
        case DueKind.POSTMORTEM_REMINDER:
            empty = [s.title for s in empty_questions(postmortem.refresh(uow, ctx, incident))]
            if incident.remind_postmortem(now=now, policy=policy, needed=bool(empty)):
                posts.dm(incident, incident.commander, postmortem_reminder(
                    incident, public_url=ctx.config.public_url, empty=empty))
    due_work.finish(uow.conn, row.id)
    commit_change(uow, ctx, incident, posts)


def _workspace_job(ctx: Context, uow: UnitOfWork, row: DueRow) -> None:
    now = ctx.clock()
    posts = Posts(ctx, now)
    due_work.finish(uow.conn, row.id)
    if row.kind is DueKind.ROLLUP:
        live, total = uow.incidents.worst_open_outages(COMPANY_SHOWN)
        if live:
            posts.company_broadcast(rollup(live, now=now, public_url=ctx.config.public_url, total=total),
                                    key="rollup")
            due_work.ensure(uow.conn, next_rollup(now, ctx.config.summary_interval))
    elif row.kind is DueKind.DIGEST:
        day_ago = now - timedelta(days=1)
        recent = [i for i in uow.incidents.between(day_ago, now) if i.counts_as_outage]
        declared = [i for i in recent if i.declared_at >= day_ago]
        resolved = [i for i in recent if i.resolved_at is not None and i.resolved_at >= day_ago]
        still_open, open_total = uow.incidents.worst_open_outages(COMPANY_SHOWN)
        if declared or resolved or still_open:  # a quiet day is not worth a post to the whole company
            open_actions = follow_ups.open_action_rows(ctx, uow, now)
            posts.company_broadcast(daily_digest(declared, resolved, still_open, now=now, tz=ctx.config.tz,
                                                 actions=open_actions, open_total=open_total), key="digest")
        due_work.ensure(uow.conn, DueItem(DueKind.DIGEST, next_daily(now, ctx.config.daily_digest_at,
                                                                     ctx.config.tz)))
    elif row.kind is DueKind.ACTION_REMINDER:
        follow_ups.remind_owner(ctx, uow, row, posts, now)
    elif row.kind is DueKind.WEEKLY_REPORT:
        follow_ups.post_weekly_report(ctx, uow, posts, now, planned_at=row.due_at)
    posts.write(uow)
    uow.commit()
