"""Replies only the person who typed the command sees: help, errors, lists, status, confirmations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import TimelineEvent
from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.incident import root_message
from incidentbot.messages.message import (
    Block,
    Message,
    actions,
    button,
    button_value,
    compose,
    context,
    lines,
    say,
    section,
)
from incidentbot.messages.usage import AVAILABLE, DESCRIPTIONS, USAGE, with_id

KEEP_OPEN = "Keep open"
TIMELINE_ROOM = t.MAX_BLOCKS - 2  # the header line and the "earlier events" note
LIST_ROOM = t.MAX_BLOCKS - 2  # incidents a list shows when some must be left out: the header, the "… N more"


def help_message(topic: str | None) -> Message:
    if topic in USAGE:
        return say(_usage_row(topic))
    intro = f"No command `{topic}`. " if topic else ""
    return compose(f"{intro}/outage commands", [
        section(f"{intro}*/outage commands*"),
        *lines(_usage_row(name) for name in AVAILABLE),
    ])


def error_message(message: str, usage: str | None) -> Message:
    blocks = [section(f"⚠️ {message}")]
    if usage:
        blocks.append(context(f"Usage: {_code(usage)}"))
    return compose(message, blocks)


def done(text: str) -> Message:
    return say(f"✅ {text}")


def incident_list(incidents: list[Incident], *, now: datetime, total: int | None = None) -> Message:
    """`incidents` may be the first few of `total` open ones: entries beyond LIST_ROOM are counted, not shown
    (the caller need not load them)."""
    if not incidents:
        return say(w.NO_OPEN)
    total = max(total or 0, len(incidents))
    count = w.plural(total, "open outage")
    shown = incidents if total <= LIST_ROOM + 1 else incidents[:LIST_ROOM]
    blocks = [section(f"*{count}*"), *(section(_list_entry(i, now)) for i in shown)]
    if total > len(shown):
        blocks.append(context(f"… {total - len(shown)} more"))
    return compose(count, blocks)


def incident_status(incident: Incident, *, now: datetime, public_url: str, undelivered: int = 0) -> Message:
    root = root_message(incident, public_url=public_url, now=now)
    if not undelivered:
        return root
    waiting = f"⏳ {w.plural(undelivered, 'Slack post')} for {incident.label} not delivered yet; retrying."
    return compose(root.text, [*root.blocks, context(waiting)])


def timeline_message(incident: Incident, events: list[TimelineEvent], *, public_url: str | None = None) -> Message:
    heading = f"Timeline of {w.tag(incident)} ({w.plural(len(events), 'event')}, times UTC)"
    shown = events[-TIMELINE_ROOM:]
    blocks: list[Block] = [section(f"*{heading}*")]
    earlier = len(events) - len(shown)
    if earlier:
        page = f": {w.page_link(incident, public_url, 'full timeline')}" if public_url else ""
        blocks.append(context(f"{w.plural(earlier, 'earlier event')} not shown{page}"))
    previous: datetime | None = None
    for event in shown:
        blocks.append(section(_event_row(event, previous)))
        previous = event.at
    return compose(heading, blocks)


def confirm_resolve(incident: Incident, *, summary: str | None, token: str | None = None) -> Message:
    """The Resolve question. With `token`, the summary waits on the server and the button carries only the token:
    all of it is saved, and the question shows what fits. Without, the button carries the summary (trimmed)."""
    value: dict[str, object] = {"incident": incident.number}
    if summary and token is not None:
        value["pending"] = token
        summary = _shown_whole_when_saved(incident, summary)
    elif summary:
        # What the button carries is what gets saved, and exactly what the question shows.
        summary = _fit_value(value, "summary", t.inert(summary))
        value["summary"] = summary
    resolution = f"\n*Resolution:* {summary}" if summary else "\nNo resolution summary given."
    return _confirm(
        f"Resolve {_about(incident)}?{resolution}", action_id=ids.CONFIRM_RESOLVE, value=value, style="primary"
    )


def confirm_cancel(incident: Incident) -> Message:
    question = f"Cancel {_about(incident)}? Only for an outage declared by mistake; it stops all reminders."
    return _confirm(question, action_id=ids.CONFIRM_CANCEL, value={"incident": incident.number}, style="danger")


def candidates(incidents: list[Incident], *, reason: str, command: str | None = None, more: int = 0) -> Message:
    """Which outages a command could mean (and how many `more` are open beyond them); the hint repeats the
    `command` that was typed, with an ID."""
    blocks = [section(f"⚠️ {reason}")]
    if incidents:
        blocks += lines(w.summary_line(i) for i in incidents)
        if more:
            blocks.append(context(f"… and {more} more open: `/outage list` counts them all."))
        example = t.escape(with_id(command, incidents[0].label))
        blocks.append(context(f"Name one in your command, e.g. `{example}`."))
    else:
        blocks.append(context(w.NO_OPEN))
    return compose(reason, blocks)


def _usage_row(name: str) -> str:
    return f"{_code(USAGE[name])}\n{DESCRIPTIONS.get(name, '')}".rstrip()


def _code(usage: str) -> str:
    # Usage lines contain placeholders such as `<summary>`, which Slack would read as links.
    return f"`{t.escape(usage)}`"


def _about(incident: Incident) -> str:
    return f"*{w.tag(incident)}* ({w.sev(incident.severity)}, {incident.division}: {w.short_summary(incident)})"


def _list_entry(incident: Incident, now: datetime) -> str:
    return (
        f"{w.summary_line(incident)}\n{incident.division} · commander {t.user(incident.commander)} · "
        f"declared {w.ago(incident.declared_at, now)} · next update due {w.next_update_with_warning(incident, now)}"
    )


def _event_row(event: TimelineEvent, previous: datetime | None) -> str:
    """`10:02` (with the date when the day changes), who, what kind, what was said."""
    at = _utc(event.at)
    same_day = previous is not None and _utc(previous).date() == at.date()
    when = at.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M")
    return f"`{when}` {t.actor(event.actor)} *{event.kind}* {w.event_text(event)}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo is not None else moment


def _confirm(
    question: str, *, action_id: str, value: dict[str, object], style: Literal["primary", "danger"]
) -> Message:
    confirm = button("Confirm", action_id=action_id, value=value, style=style)
    keep = button(KEEP_OPEN, action_id=ids.ABORT_CONFIRM, value={"incident": value["incident"]})
    return compose(question, [section(question), actions(confirm, keep)])


def _shown_whole_when_saved(incident: Incident, summary: str) -> str:
    """A summary for the question: whole when it fits, else its start and a word that all of it is kept."""
    room = t.SECTION - len(f"Resolve {_about(incident)}?\n*Resolution:* ") - 1
    more = f"_(all {len(summary):,} characters are saved)_"
    return t.excerpt(summary, room, more=more)


def _fit_value(value: dict[str, object], key: str, text: str) -> str:
    """`text` trimmed so that `value` with it still fits in a button's value."""
    limit = len(text)
    while len(button_value({**value, key: t.trim(text, limit)})) > t.BUTTON_VALUE:
        limit -= max(1, limit // 10)
    return t.trim(text, limit)
