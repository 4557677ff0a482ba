"""Posts for the company-wide outage channel: announcements, updates, roll-ups and the daily digest.

Drills never reach the company channel; the list renderers leave them out even if handed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from incidentbot.domain.model import Incident, Status
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.actions import digest_actions
from incidentbot.messages.incident import facts, next_update_context
from incidentbot.messages.message import (
    Block,
    Message,
    compose,
    context,
    fields,
    header,
    lines,
    say,
    section,
)


def announcement(incident: Incident, *, public_url: str, now: datetime) -> Message:
    lead = f"New {w.sev(incident.severity)} outage in {incident.division}"
    return compose(
        f"{lead}: {w.tag(incident)} {incident.summary}",
        [
            header(w.title(incident)),
            section(f"*{lead}*\n{incident.summary}"),
            *fields(facts(incident, now)),
            context(w.page_link(incident, public_url)),
        ],
    )


def escalation(incident: Incident, *, old: int, actor: str, public_url: str, now: datetime) -> Message:
    """An existing incident became company-wide by escalation: said as an escalation, not a new outage."""
    change = f"{w.severity_verb(incident, old)} {w.severity_range(incident, old)}"
    lead = f"{w.tag(incident)} ({incident.division}) was {change} by {t.actor(actor)}"
    return compose(
        f"{w.severity_arrow(incident, old)} {lead}: {w.short_summary(incident)}",
        [
            header(w.title(incident)),
            section(f"{w.severity_arrow(incident, old)} *{lead}*\n{incident.summary}"),
            *fields(facts(incident, now)),
            context(w.page_link(incident, public_url)),
        ],
    )


def company_update(incident: Incident, *, text: str, actor: str, public_url: str | None = None) -> Message:
    detail = f" ({w.sev(incident.severity)}, {incident.division}, {incident.status})"
    heading = w.update_heading(incident, actor=actor, status_changed_from=None, detail=detail)
    body = w.long_text(incident, text, room=t.SECTION - len(t.inert(heading)) - 1, public_url=public_url)
    return compose(f"{w.tag(incident)} update: {text}", [section(f"{heading}\n{body}"), next_update_context(incident)])


def company_resolved(incident: Incident, *, public_url: str | None = None) -> Message:
    """Resolution, or cancellation, said where the declaration was announced (a long summary cut, with a link)."""
    about = f"{w.emoji(incident)} {w.tag(incident)} ({w.sev(incident.severity)}, {incident.division})"
    if incident.status is Status.CANCELLED:
        return say(f"{about} was cancelled: declared in error.")
    heading = f"{about} resolved after {w.lasted(incident)}: "
    return say(heading + w.resolution(incident, room=t.SECTION - len(t.inert(heading)), public_url=public_url))


def company_severity(incident: Incident, *, old: int) -> Message:
    verb, change = w.severity_verb(incident, old), w.severity_range(incident, old)
    sentence = (
        f"{w.severity_arrow(incident, old)} {w.tag(incident)} ({incident.division}) was {verb} {change}: "
        f"{w.short_summary(incident)}"
    )
    return say(sentence, next_update_context(incident))


def rollup(incidents: list[Incident], *, now: datetime, public_url: str, total: int | None = None) -> Message:
    """`incidents`: the worst open ones (all of them, or the first few of `total`)."""
    shown = _company_visible(incidents, open_only=True)
    total = len(shown) if total is None else max(total, len(shown))
    count = f"Open outages: {total}"
    if not shown:
        return compose(w.NO_OPEN, [section(w.NO_OPEN)])
    return compose(
        f"{count} ({', '.join(i.label for i in shown)}{', …' if total > len(shown) else ''})",
        [header(count), *(section(_rollup_entry(i, now, public_url)) for i in shown),
         *_more(total - len(shown), public_url)],
    )  # fmt: skip


def _more(count: int, public_url: str) -> list[Block]:
    return [context(f"… and {count} more open outages: {public_url}/incidents")] if count > 0 else []


def daily_digest(
    declared: list[Incident], resolved: list[Incident], still_open: list[Incident], *, now: datetime, tz: tzinfo,
    actions: Sequence[str] = (), open_total: int | None = None,
) -> Message:
    """`still_open`: the worst open incidents (all of them, or the first few of `open_total`)."""
    declared, resolved = _company_visible(declared), _company_visible(resolved)
    still_open = _company_visible(still_open, open_only=True)
    open_total = len(still_open) if open_total is None else max(open_total, len(still_open))
    counts = f"{len(declared)} declared, {len(resolved)} resolved, {open_total} still open"
    more = [f"… and {open_total - len(still_open)} more"] if open_total > len(still_open) else []
    return compose(
        f"Outage digest: {counts}",
        [
            header(f"Outage digest · {now.astimezone(tz):%a %d %b %Y}"),
            *_group("Declared in the last day", [_declared_row(i, tz) for i in declared]),
            *_group("Resolved in the last day", [_resolved_row(i) for i in resolved]),
            *_group("Still open", [_open_row(i, now) for i in still_open], count=open_total, more=more),
            *digest_actions(actions),
        ],
    )


def _company_visible(incidents: Iterable[Incident], *, open_only: bool = False) -> list[Incident]:
    chosen = [i for i in incidents if i.in_company_channel and (i.is_open or not open_only)]
    return sorted(chosen, key=lambda i: (i.severity, i.number or 0))


def _rollup_entry(incident: Incident, now: datetime, public_url: str) -> str:
    head = (
        f"{w.emoji(incident)} *{w.page_link(incident, public_url, incident.label)}* · {w.sev(incident.severity)}"
        f" · {incident.division} · {incident.status} · commander {t.user(incident.commander)}"
    )
    return f"{head}\n{w.short_summary(incident)}\n{_last_heard(incident, now)}"


def _last_heard(incident: Incident, now: datetime) -> str:
    due = f"Next update due: {w.next_update_with_warning(incident, now)}"
    if incident.last_update_at is None or not incident.last_update_text:
        return f"No update yet (declared {w.ago(incident.declared_at, now)}). {due}"
    text = t.trim(t.one_line(incident.last_update_text), 300)
    return f"Last update {w.ago(incident.last_update_at, now)}: {text}\n{due}"


def _group(title: str, rows: list[str], *, count: int | None = None, more: Sequence[str] = ()) -> list[Block]:
    return lines([f"*{title} ({len(rows) if count is None else count})*", *(rows or ["None."]), *more])


def _declared_row(incident: Incident, tz: tzinfo) -> str:
    when = incident.declared_at.astimezone(tz)
    return (
        f"{w.summary_line(incident)} · {incident.division}, declared {when:%a %H:%M} by {t.user(incident.declared_by)}"
    )


def _resolved_row(incident: Incident) -> str:
    return f"{w.summary_line(incident)} · {incident.division}, resolved after {w.lasted(incident)}"


def _open_row(incident: Incident, now: datetime) -> str:
    return (
        f"{w.summary_line(incident)} · {incident.division}, open for {w.duration(now - incident.declared_at)}, "
        f"commander {t.user(incident.commander)}"
    )
