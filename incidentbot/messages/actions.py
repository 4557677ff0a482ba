"""Action items in Slack: the thread posts, the owner's DMs, the lists and the weekly report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo

from incidentbot.domain.actions import ActionItem
from incidentbot.messages import text as t
from incidentbot.messages.message import Block, Message, compose, context, header, lines, say, section

ITEM_TEXT = 300


def action_row(item: ActionItem, *, incident_label: str, today: date) -> str:
    """`A-3` · OUT-2 · text · owner · due (overdue) · done."""
    parts = [f"*{item.label}* · {incident_label} · {t.trim(t.one_line(item.text), ITEM_TEXT)}"]
    parts.append(f"owner {t.user(item.owner)}" if item.owner else "no owner")
    if item.due is not None:
        parts.append(f"due {item.due.isoformat()}" + (" ⚠️ overdue" if item.overdue_on(today) else ""))
    if not item.is_open:
        note = f" ({t.trim(t.one_line(item.done_note), ITEM_TEXT)})" if item.done_note else ""
        parts.append(f"✅ done{note}")
    return " · ".join(parts)


def action_added_post(item: ActionItem, *, incident_label: str, actor: str) -> Message:
    owner = f", owner {t.user(item.owner)}" if item.owner else ""
    due = f", due {item.due.isoformat()}" if item.due else ""
    return say(f"📋 {t.actor(actor)} added action item *{item.label}*{owner}{due}: "
               f"{t.trim(t.one_line(item.text), ITEM_TEXT)} ({incident_label})")


def action_changed_post(item: ActionItem, *, actor: str, reopened: bool = False) -> Message:
    if reopened:
        return say(f"↩️ {t.actor(actor)} reopened action item *{item.label}*.")
    note = f": {t.trim(t.one_line(item.done_note), ITEM_TEXT)}" if item.done_note else ""
    return say(f"✅ {t.actor(actor)} closed action item *{item.label}*{note}")


def action_assigned_dm(item: ActionItem, *, incident_label: str, actor: str) -> Message:
    due = f" It is due {item.due.isoformat()}; you will be reminded that day." if item.due else ""
    return say(f"{t.actor(actor)} made you the owner of action item *{item.label}* ({incident_label}): "
               f"{t.trim(t.one_line(item.text), ITEM_TEXT)}.{due} Close it with `/outage done {item.label}`.")


def action_due_dm(item: ActionItem, *, incident_label: str, today: date) -> Message:
    assert item.due is not None
    when = "is due today" if item.due == today else f"is overdue (it was due {item.due.isoformat()})"
    return say(f"⏰ Action item *{item.label}* ({incident_label}) {when}: {t.trim(t.one_line(item.text), ITEM_TEXT)}. "
               f"Close it with `/outage done {item.label} [note]`.")


def action_list(rows: Sequence[str], *, title: str) -> Message:
    return compose(f"{title}: {len(rows)}", [section(f"*{title}* ({len(rows)})"),
                                             *lines(rows or ["No action items."])])


def weekly_report(
    open_by_team: Mapping[str, Sequence[str]], overdue: int, closed: Sequence[str], *, now: datetime, tz: tzinfo
) -> Message:
    """Open items grouped by the owning team of their incident, then what was closed in the last week."""
    total = sum(len(rows) for rows in open_by_team.values())
    blocks: list[Block] = [header(f"Action items · week of {now.astimezone(tz):%d %b %Y}"),
                           context(f"{total} open, {overdue} overdue, {len(closed)} closed this week")]
    for team, rows in sorted(open_by_team.items()):
        blocks += lines([f"*{team}* ({len(rows)} open)", *rows])
    blocks += lines([f"*Closed this week ({len(closed)})*", *(closed or ["None."])])
    return compose(f"Action items: {total} open, {overdue} overdue, {len(closed)} closed this week", blocks)


def digest_actions(rows: Iterable[str]) -> list[Block]:
    listed = list(rows)
    return lines([f"*Open action items ({len(listed)})*", *listed]) if listed else []
