"""The postmortem's fact sections, generated from the incident and its timeline (pure, like the root message).

Plain Markdown: the document is printed by `incidentbot postmortem ID`, served by the API and shown in Slack.
Times are local in the configured zone; people by the name they go by (else their Slack id, `@U…`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

from incidentbot.domain.actions import ActionItem
from incidentbot.domain.adherence import adherence
from incidentbot.domain.model import Incident
from incidentbot.domain.policy import Policy
from incidentbot.domain.tenure import handoff_records, role_tenures
from incidentbot.domain.timeline import BOT, Kind, TimelineEvent
from incidentbot.durations import format_duration

NOT_YET = "—"
_COMPANY_KINDS = (Kind.UPDATE, Kind.SEVERITY_CHANGED, Kind.RESOLVED, Kind.CANCELLED)


def generate(
    i: Incident, timeline: Sequence[TimelineEvent], actions: Sequence[ActionItem], *, policy: Policy, tz: tzinfo,
    now: datetime, names: Mapping[str, str] | None = None,
) -> dict[str, str]:  # fmt: skip
    """The generated text of every fact section (the questions are left for people). `names` maps user ids
    to the names people go by; anyone not in it is shown as `@U…`."""
    until = i.resolved_at or now
    who = Names(names or {})
    return {
        "summary": _summary(i),
        "impact": _impact(i, tz),
        "people": _people(timeline, until, tz, who),
        "communication": _communication(i, timeline, policy, until, tz),
        "timeline": "\n".join(f"- {local(e.at, tz)} · {who(e.actor)} · {e.kind}: {who.text(e)}" for e in timeline),
        "action-items": "\n".join(_action(a, who) for a in actions) or "No action items yet.",
        "root-cause": _root_cause(i),
    }


class Names:
    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = names

    def __call__(self, user: str | None) -> str:
        if user is None:
            return NOT_YET
        return "incidentbot" if user == BOT else self._names.get(user, f"@{user}")

    def text(self, event: TimelineEvent) -> str:
        """The event's text with the people it names (plain user ids) by name."""
        if not event.people:
            return event.text
        named = re.compile(r"(?<![\w@])(" + "|".join(re.escape(p) for p in set(event.people)) + r")(?!\w)")
        return named.sub(lambda found: self(found.group(1)), event.text)


def local(moment: datetime | None, tz: tzinfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if moment else NOT_YET


def span(delta: timedelta | None) -> str:
    return format_duration(timedelta(seconds=round(delta.total_seconds()))) if delta is not None else NOT_YET


def _summary(i: Incident) -> str:
    drill = " (drill)" if i.drill else ""
    lines = [f"{i.label}: {i.summary}", f"SEV{i.severity}{drill} · {i.division}"
             f"{' · company-wide' if i.company_wide else ''} · {i.status}"]  # fmt: skip
    if i.resolution:
        lines.append(f"Resolution: {i.resolution}")
    return "\n".join(lines)


def _impact(i: Incident, tz: tzinfo) -> str:
    started, detected = i.started_at or i.declared_at, i.detected_at or i.declared_at
    return "\n".join([
        f"Impact: {i.impact or NOT_YET}",
        f"Service: {i.service or NOT_YET}",
        f"- Started: {local(started, tz)}",
        f"- Detected: {local(detected, tz)}",
        f"- Declared: {local(i.declared_at, tz)}",
        f"- Mitigated: {local(i.mitigated_at, tz)}",
        f"- Resolved: {local(i.resolved_at, tz)}",
        f"Time to detect {span(detected - started)} · to declare {span(i.declared_at - detected)} · "
        f"to mitigate {span(i.mitigated_at - started if i.mitigated_at else None)} · "
        f"to resolve {span(i.resolved_at - started if i.resolved_at else None)}",
    ])  # fmt: skip


def _people(timeline: Sequence[TimelineEvent], until: datetime, tz: tzinfo, who: Names) -> str:
    lines = [f"- {t.role}: {who(t.user)} from {local(t.start, tz)} to {local(t.end, tz)} ({span(t.held)})"
             for t in role_tenures(timeline, until=until)]  # fmt: skip
    for h in handoff_records(timeline):
        waited = f" after {span(h.wait)}" if h.wait is not None else ""
        lines.append(f"- Handoff of {h.role} to {who(h.to)} (asked by {who(h.requested_by)} at "
                     f"{local(h.requested_at, tz)}): {h.outcome}{waited}")
    others = sorted({e.actor for e in timeline} - {BOT})
    lines.append(f"People on the timeline: {', '.join(who(p) for p in others) or NOT_YET}")
    return "\n".join(lines)


def _communication(
    i: Incident, timeline: Sequence[TimelineEvent], policy: Policy, until: datetime, tz: tzinfo
) -> str:
    result = adherence(timeline, policy=policy, until=until)
    lines = [f"Status updates: {len(result.timings) - result.missed} posted, {result.on_time} on time, "
             f"{result.late - result.missed} late, {result.missed} missed."]
    for timing in result.timings:
        said = "on time" if timing.on_time else f"late by {span(timing.late_by)}"
        lines.append(f"- due {local(timing.due_at, tz)}: " + ("missed (no update before the resolution)"
                                                             if timing.missed else said))
    lines.append(f"Longest silence: {span(result.longest_silence)}.")
    scope = " (a drill: the company channel stays silent)" if i.drill else ""
    lines.append(f"Company-channel posts: {0 if i.drill else company_posts(timeline)}{scope}.")
    return "\n".join(lines)


def company_posts(timeline: Sequence[TimelineEvent]) -> int:
    """The posts a real outage made to the company channel: from the moment it was company-wide, its
    announcement (or escalation), updates, severity changes and resolution."""
    wide, count = False, 0
    for e in timeline:
        if e.kind is Kind.DECLARED:
            wide = "company-wide" in e.text
            count += wide
        elif e.kind is Kind.SCOPE_CHANGED:
            wide, count = True, count + 1
        elif wide and e.kind in _COMPANY_KINDS:
            count += not (e.kind is Kind.SEVERITY_CHANGED and _escalates_now(timeline, e))
    return count


def _escalates_now(timeline: Sequence[TimelineEvent], event: TimelineEvent) -> bool:
    """A severity change that made the outage company-wide is announced once, as the escalation."""
    return any(e.kind is Kind.SCOPE_CHANGED and e.at == event.at for e in timeline)


def _action(item: ActionItem, who: Names) -> str:
    owner = f" · owner {who(item.owner)}" if item.owner else ""
    due = f" · due {item.due.isoformat()}" if item.due else ""
    state = " · done" + (f": {item.done_note}" if item.done_note else "") if item.done_at else ""
    return f"- {item.label}: {item.text}{owner}{due}{state}"


def _root_cause(i: Incident) -> str:
    return f"{i.root_cause or NOT_YET}\nCause category: {i.cause or NOT_YET}"
