"""The postmortem draft: the blameless questions, pre-filled with what the timeline already knows."""

from __future__ import annotations

from collections.abc import Sequence

from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import TimelineEvent
from incidentbot.messages.serialize import iso
from incidentbot.messages.words import event_text

QUESTIONS = (
    "Who was involved, and who should have been?",
    "How did communication go?",
    "How did it happen, according to those closest to it?",
    "What went well?",
    "What could have gone better?",
    "Which action items prevent a recurrence?",
    "What else did we learn?",
)


def postmortem_markdown(i: Incident, timeline: Sequence[TimelineEvent]) -> str:
    duration = ""
    if i.resolved_at is not None:
        minutes = int((i.resolved_at - i.declared_at).total_seconds() // 60)
        duration = f"{minutes // 60} h {minutes % 60} min"
    people = sorted({i.declared_by, i.commander, i.communicator} | {e.actor for e in timeline} - {"bot"})
    lines = [
        f"# Postmortem: {i.label} — {i.summary}",
        "",
        f"- Severity: SEV{i.severity}{' (drill)' if i.drill else ''}",
        f"- Division: {i.division}{' (company-wide)' if i.company_wide else ''}",
        f"- Status: {i.status}",
        f"- Declared: {iso(i.declared_at)} by <@{i.declared_by}>",
        f"- Resolved: {iso(i.resolved_at) or '—'}" + (f" (duration {duration})" if duration else ""),
        f"- Commander: <@{i.commander}>; communicator: <@{i.communicator}>",
        f"- Impact: {i.impact or '_to fill in_'}",
        f"- Service: {i.service or '_to fill in_'}",
        f"- Root cause: {i.root_cause or '_to fill in_'}",
        f"- Owning team: {i.owner_team or '_to fill in_'}",
        f"- People on the timeline: {', '.join(f'<@{p}>' for p in people)}",
        "",
        "## Timeline (UTC)",
        "",
    ]
    lines += [f"- {iso(e.at)} · {e.kind} · {e.actor}: {event_text(e)}" for e in timeline]
    for question in QUESTIONS:
        lines += ["", f"## {question}", "", "_to fill in_"]
    return "\n".join(lines) + "\n"
