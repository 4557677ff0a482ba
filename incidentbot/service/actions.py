"""Action items: add, list, close and reopen (one transaction each), and planning the owner's reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from incidentbot.domain.actions import ActionItem, new_action, reminder_at
from incidentbot.domain.due import DueItem, DueKind
from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import Kind
from incidentbot.messages.actions import action_added_post, action_assigned_dm, action_changed_post
from incidentbot.service import home
from incidentbot.service.apply import commit_change
from incidentbot.service.commands import AddAction, DoneAction, ListActions, ReopenAction
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.service.posts import Posts
from incidentbot.service.targets import find_incident
from incidentbot.store import due_work
from incidentbot.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ActionList:
    items: list[ActionItem]
    labels: dict[int, str]  # incident number → `OUT-12`
    today: date


def add_action(cmd: AddAction, *, caller: Caller, ctx: Context) -> tuple[ActionItem, Incident]:
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = find_incident(uow, ctx, caller, cmd.ref, lock=True)
        assert incident.number is not None
        item = uow.actions.add(new_action(incident_number=incident.number, text=cmd.text, owner=cmd.owner,
                                          due=cmd.due, actor=caller.user_id, now=now, tz=ctx.config.tz))
        incident.record_action(kind=Kind.ACTION_ADDED, label=item.label, text=item.text, actor=caller.user_id,
                               now=now, owner=item.owner)
        plan_reminder(uow, ctx, item, now)
        posts = Posts(ctx, now)
        posts.thread(incident, action_added_post(item, incident_label=incident.label, actor=caller.user_id))
        if item.owner and item.owner != caller.user_id:
            posts.dm(incident, item.owner, action_assigned_dm(item, incident_label=incident.label,
                                                              actor=caller.user_id))
        home.queue(uow, ctx, [item.owner], now=now)
        commit_change(uow, ctx, incident, posts)
        return item, incident


def close_action(cmd: DoneAction, *, caller: Caller, ctx: Context) -> ActionItem:
    return _change(cmd.action_id, caller=caller, ctx=ctx, note=cmd.note, reopen=False)


def reopen_action(cmd: ReopenAction, *, caller: Caller, ctx: Context) -> ActionItem:
    return _change(cmd.action_id, caller=caller, ctx=ctx, note=None, reopen=True)


def _change(action_id: int, *, caller: Caller, ctx: Context, note: str | None, reopen: bool) -> ActionItem:
    now = ctx.clock()
    with ctx.new_uow() as uow:
        found = uow.actions.get(action_id)
        if found is None:
            raise Refused(f"There is no action item A-{action_id}. `/outage actions` lists them.")
        incident = uow.incidents.get(found.incident_number, lock=True)  # the incident first, as commands do
        item = uow.actions.get(action_id, lock=True)
        assert incident is not None and item is not None
        if reopen:
            changed = item.reopen(actor=caller.user_id, commander=incident.commander, admins=ctx.admins)
        else:
            changed = item.close(actor=caller.user_id, now=now, note=note)
        uow.actions.save(changed)
        kind = Kind.ACTION_REOPENED if reopen else Kind.ACTION_DONE
        said = "reopened" if reopen else f"done{f' ({changed.done_note})' if changed.done_note else ''}"
        incident.record_action(kind=kind, label=changed.label, text=said, actor=caller.user_id, now=now)
        plan_reminder(uow, ctx, changed, now)
        posts = Posts(ctx, now)
        posts.thread(incident, action_changed_post(changed, actor=caller.user_id, reopened=reopen))
        home.queue(uow, ctx, [changed.owner], now=now)
        commit_change(uow, ctx, incident, posts)
        return changed


def list_actions(cmd: ListActions, *, caller: Caller, ctx: Context) -> ActionList:
    with ctx.read_uow() as uow:
        number = None
        if cmd.ref is not None:
            number = find_incident(uow, ctx, caller, cmd.ref, lock=False).number
        items = uow.actions.find(incident_number=number, open_only=cmd.open_only,
                                 owner=caller.user_id if cmd.mine else None)
        return ActionList(items, incident_labels(uow, ctx, items), ctx.clock().astimezone(ctx.config.tz).date())


def incident_labels(uow: UnitOfWork, ctx: Context, items: list[ActionItem]) -> dict[int, str]:
    return {n: f"{ctx.config.id_prefix}-{n}" for n in {i.incident_number for i in items}}


def plan_reminder(uow: UnitOfWork, ctx: Context, item: ActionItem, now: datetime) -> None:
    """The owner's next reminder (due day, then weekly), or none once the item is closed."""
    when = reminder_at(item, now=now, at=ctx.config.daily_digest_at, tz=ctx.config.tz)
    planned = DueItem(DueKind.ACTION_REMINDER, when, role=str(item.id)) if when else None
    due_work.replace_item(uow.conn, planned, key=DueItem(DueKind.ACTION_REMINDER, now, role=str(item.id)).key(None))
