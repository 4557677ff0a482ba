"""Phrases shared by several renderers, so each one is written once and reads the same everywhere."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from incidentbot.domain.model import Handoff, Incident, Role, Status
from incidentbot.domain.timeline import TimelineEvent
from incidentbot.messages import text as t

SEVERITY_EMOJI = {1: "🔴", 2: "🟠", 3: "🟡", 4: "🔵"}
CLOSED_EMOJI = {Status.RESOLVED: "✅", Status.CANCELLED: "⚪"}
DRILL = "DRILL"
SUMMARY_IN_LINE = 120
NO_OPEN = "No open outages."


def emoji(incident: Incident) -> str:
    return CLOSED_EMOJI.get(incident.status) or SEVERITY_EMOJI.get(incident.severity, "⚫")


def tag(incident: Incident) -> str:
    """The id as people should see it in any sentence: `OUT-12`, or `DRILL OUT-12`."""
    return f"{DRILL} {incident.label}" if incident.drill else incident.label


def sev(severity: int) -> str:
    return f"SEV{severity}"


def title(incident: Incident) -> str:
    """`🔴 OUT-12 · SEV2 · investigating`, with a DRILL prefix for drills."""
    prefix = f"{DRILL} · " if incident.drill else ""
    return f"{prefix}{emoji(incident)} {incident.label} · {sev(incident.severity)} · {incident.status}"


def short_summary(incident: Incident, limit: int = SUMMARY_IN_LINE) -> str:
    return t.trim(t.inert(t.one_line(incident.summary)), limit)


def summary_line(incident: Incident, summary_limit: int = SUMMARY_IN_LINE) -> str:
    """`🔴 OUT-12 SEV2 investigating: checkout down`, on one line."""
    prefix = f"{DRILL} " if incident.drill else ""
    head = f"{prefix}{emoji(incident)} {incident.label} {sev(incident.severity)} {incident.status}"
    return f"{head}: {short_summary(incident, summary_limit)}"


def scope(incident: Incident) -> str:
    return "company-wide" if incident.company_wide else "division"


def page_url(incident: Incident, public_url: str) -> str:
    return f"{public_url.rstrip('/')}/incidents/{incident.label}"


def page_link(incident: Incident, public_url: str, label: str = "Incident page") -> str:
    return t.link(page_url(incident, public_url), label)


def long_text(incident: Incident, text: str, *, room: int, public_url: str | None) -> str:
    """Someone's text (an update, up to 40,000 characters) within `room` characters of a block: cut when
    longer, with a link to the incident page, where it is shown whole."""
    label = "Read the full text on the incident page"
    more = t.link(page_url(incident, public_url) + "#timeline", label) if public_url else None
    return t.excerpt(text, room, more=more)


def next_update(incident: Incident) -> str:
    """When the next update is due, or "—" once the incident is closed."""
    if not incident.is_open or incident.next_update_due_at is None:
        return "—"
    return t.date(incident.next_update_due_at)


def next_update_with_warning(incident: Incident, now: datetime) -> str:
    due = incident.next_update_due_at
    if incident.is_open and due is not None and now > due:
        return f"⚠️ overdue since {t.date(due)}"
    return next_update(incident)


def update_command(incident: Incident) -> str:
    return f"`/outage update {incident.label} {t.escape('<text>')}`"


def role_handoff_command(incident: Incident, role: Role) -> str:
    return f"`/outage {role} @user {incident.label}`"


def pending_line(incident: Incident) -> str:
    """`handoff pending: commander → <@U2>` for each pending handoff, or "" when none."""
    return "\n".join(pending(h) for h in incident.pending_handoffs)


def resolution(incident: Incident, *, room: int | None = None, public_url: str | None = None) -> str:
    """The resolution summary; given `room`, within that many characters, cut with a link to the whole when
    longer (a summary may have 40,000 characters)."""
    if incident.status is Status.CANCELLED:
        return "Cancelled: declared in error."
    if incident.resolution and room is not None:
        return long_text(incident, incident.resolution, room=room, public_url=public_url)
    return incident.resolution or "Resolved."


def duration(delta: timedelta) -> str:
    """`1 h 12 min`, `3 d 4 h`, `45 min`, `< 1 min`."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "< 1 min"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def ago(moment: datetime, now: datetime) -> str:
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{duration(now - moment)} ago"


def lasted(incident: Incident) -> str:
    """How long a closed outage lasted, declaration to resolution."""
    if incident.resolved_at is None:
        return "—"
    return duration(incident.resolved_at - incident.declared_at)


def plural(count: int, noun: str) -> str:
    """`1 event`, `3 events`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def pending(handoff: Handoff) -> str:
    return f"handoff pending: {handoff.role} → {t.user(handoff.to)}"


def stays(incident: Incident, role: Role) -> str:
    return f"the {role} role stays with {t.user(incident.holder(role))}"


def update_due(incident: Incident) -> str:
    return f"a status update on {tag(incident)} is due now. Post it with {update_command(incident)}."


def overdue_since(incident: Incident) -> str:
    due = incident.next_update_due_at
    since = f" (it was due {t.date(due)})" if due is not None else ""
    return f"the status update on {tag(incident)} is overdue{since}"


def silent_for(incident: Incident, now: datetime) -> str:
    """`silent for 1 h 15 min since it was declared` (or `since the last update`)."""
    since = "the last update" if incident.last_update_at is not None else "it was declared"
    return f"silent for {duration(now - incident.silent_since)} since {since}"


def still_silent(incident: Incident, now: datetime) -> str:
    return f"still no status update on {tag(incident)}: {silent_for(incident, now)}"


def severity_verb(incident: Incident, old: int) -> str:
    return "escalated" if incident.severity < old else "lowered"


def severity_range(incident: Incident, old: int) -> str:
    return f"from {sev(old)} to {sev(incident.severity)}"


def severity_arrow(incident: Incident, old: int) -> str:
    return "⬆️" if incident.severity < old else "⬇️"


def update_heading(incident: Incident, *, actor: str, status_changed_from: Status | None, detail: str = "") -> str:
    """`📣 *OUT-12 update* from <@U1> · status investigating → identified`."""
    old = status_changed_from
    changed = f" · status {old} → {incident.status}" if old is not None and old != incident.status else ""
    return f"📣 *{tag(incident)} update*{detail} from {t.actor(actor)}{changed}"


def event_text(event: TimelineEvent) -> str:
    """A timeline event's text for Slack: the people it names (plain user ids, as stored) become mentions."""
    if not event.people:
        return event.text
    named = re.compile(r"(?<![\w@])(" + "|".join(re.escape(p) for p in set(event.people)) + r")(?!\w)")
    return named.sub(lambda found: t.user(found.group(1)), event.text)
