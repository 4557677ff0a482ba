"""Due work for action items: the owner's reminder (due day, then weekly while open) and the weekly report
to the company channel. Both are workspace-wide rows: acting on one plans the next, so it is sent once."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from incidentbot.domain.actions import ActionItem, next_weekly
from incidentbot.domain.due import DueItem, DueKind
from incidentbot.messages.actions import action_due_dm, action_row, weekly_report
from incidentbot.service.actions import incident_labels, plan_reminder
from incidentbot.service.context import Context
from incidentbot.service.posts import Posts
from incidentbot.store import due_work
from incidentbot.store.due_work import DueRow
from incidentbot.store.unit_of_work import UnitOfWork


def next_weekly_report(ctx: Context, now: datetime) -> DueItem:
    weekly = ctx.config.weekly_report_at
    return DueItem(DueKind.WEEKLY_REPORT, next_weekly(now, weekday=weekly.weekday, at=weekly.at, tz=ctx.config.tz))


def remind_owner(ctx: Context, uow: UnitOfWork, row: DueRow, posts: Posts, now: datetime) -> None:
    """DM the owner of a still-open item, then plan the next reminder a week on."""
    item = uow.actions.get(int(row.role or 0), lock=True)
    if item is None or not item.is_open or item.owner is None:
        return
    label = incident_labels(uow, ctx, [item])[item.incident_number]
    today = now.astimezone(ctx.config.tz).date()
    posts.dm(None, item.owner, action_due_dm(item, incident_label=label, today=today))
    plan_reminder(uow, ctx, item, now)


def post_weekly_report(ctx: Context, uow: UnitOfWork, posts: Posts, now: datetime, *, planned_at: datetime) -> None:
    """Open and overdue items by owner team, and what was closed in the week up to the report's planned time
    (a late run does not lose an item to the gap); then plan next week's."""
    items = uow.actions.find()
    labels = incident_labels(uow, ctx, items)
    today = now.astimezone(ctx.config.tz).date()
    teams = _owner_teams(uow, items)
    open_by_team: dict[str, list[str]] = defaultdict(list)
    for item in (i for i in items if i.is_open):
        open_by_team[teams[item.incident_number]].append(
            action_row(item, incident_label=labels[item.incident_number], today=today))
    week_ago = planned_at - timedelta(days=7)
    closed = [action_row(i, incident_label=labels[i.incident_number], today=today)
              for i in items if i.done_at is not None and i.done_at >= week_ago]  # fmt: skip
    overdue = sum(1 for i in items if i.overdue_on(today))
    if open_by_team or closed:
        report = weekly_report(open_by_team, overdue, closed, now=now, tz=ctx.config.tz)
        posts.company_broadcast(report, key="weekly_report")
    due_work.ensure(uow.conn, next_weekly_report(ctx, now))


def _owner_teams(uow: UnitOfWork, items: list[ActionItem]) -> dict[int, str]:
    teams: dict[int, str] = {}
    for number in {i.incident_number for i in items}:
        incident = uow.incidents.get(number)
        teams[number] = (incident.owner_team if incident else None) or "No owner team"
    return teams


def open_action_rows(ctx: Context, uow: UnitOfWork, now: datetime) -> list[str]:
    """The open action items, for the daily digest."""
    items = uow.actions.find(open_only=True)
    labels = incident_labels(uow, ctx, items)
    today = now.astimezone(ctx.config.tz).date()
    return [action_row(i, incident_label=labels[i.incident_number], today=today) for i in items]
