"""The end of every changing command: state, timeline, due work and outbox rows in one commit."""

from __future__ import annotations

from datetime import datetime

from incidentbot.domain.due import next_rollup, plan
from incidentbot.domain.model import Incident, Status
from incidentbot.service import home, postmortem
from incidentbot.service.context import Context
from incidentbot.service.posts import Posts
from incidentbot.store import due_work
from incidentbot.store.unit_of_work import UnitOfWork


def commit_change(
    uow: UnitOfWork, ctx: Context, incident: Incident, posts: Posts, *, topic: bool = False, declared: bool = False
) -> None:
    """Save the incident and its new events, re-plan its due work, queue its posts, and commit. `declared`:
    the incident is new in this transaction, so everyone with a part in it has a new part."""
    assert incident.number is not None
    before = None if declared else uow.incidents.get(incident.number)
    uow.incidents.save(incident)
    home.refresh(uow, ctx, before, incident, now=posts.now)
    if incident.status is Status.RESOLVED:  # the postmortem follows the timeline from the resolution on
        postmortem.refresh(uow, ctx, incident, create=True)
    due_work.replace_for_incident(uow.conn, incident.number, plan(incident, ctx.policy))
    if topic:
        posts.topic(uow, incident.division)
    posts.write(uow)
    uow.commit()


def ensure_rollup(uow: UnitOfWork, ctx: Context, now: datetime) -> None:
    """While a real incident is open, a roll-up is always planned (a no-op when one already is)."""
    due_work.ensure(uow.conn, next_rollup(now, ctx.config.summary_interval))
