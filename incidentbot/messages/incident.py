"""The incident thread's root message: always rendered whole from the incident's current state."""

from __future__ import annotations

from datetime import datetime

from incidentbot.domain.model import Incident, Status
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.message import Block, Message, compose, context, fields, header, section

DRILL_NOTE = "🧪 Drill (game day): a rehearsal. Nothing is announced in the company channel."
BOOKKEEPING_LABELS = (
    ("impact", "Impact"),
    ("service", "Service"),
    ("root_cause", "Root cause"),
    ("owner_team", "Owner team"),
)


def root_message(incident: Incident, *, public_url: str, now: datetime) -> Message:
    return compose(f"{w.title(incident)}: {incident.summary}", root_blocks(incident, public_url=public_url, now=now))


def incident_summary_line(incident: Incident) -> str:
    """One line for lists and topics: `🔴 OUT-12 SEV2 investigating: checkout down`."""
    return w.summary_line(incident)


def root_blocks(incident: Incident, *, public_url: str, now: datetime) -> list[Block]:
    blocks = [header(w.title(incident)), section(incident.summary), *fields(facts(incident, now))]
    if incident.pending_handoffs:
        blocks.append(section(w.pending_line(incident)))
    if incident.last_update_text:
        blocks.append(section(_last_update(incident, public_url)))
    if not incident.is_open:
        blocks.append(section(_closing(incident, public_url)))
    blocks.append(footer(incident, public_url))
    return blocks


def footer(incident: Incident, public_url: str) -> Block:
    if incident.drill:
        return context(w.page_link(incident, public_url), DRILL_NOTE)
    return context(w.page_link(incident, public_url))


def next_update_context(incident: Incident) -> Block:
    return context(f"Next update due: {w.next_update(incident)}")


def facts(incident: Incident, now: datetime) -> list[tuple[str, str]]:
    """Who, where and when: the fields shown wherever the incident is shown whole."""
    shown = [
        ("Division", incident.division),
        ("Scope", w.scope(incident)),
        ("Commander", t.user(incident.commander)),
        ("Communicator", t.user(incident.communicator)),
        ("Declared", f"{t.user(incident.declared_by)} · {t.date(incident.declared_at)}"),
        ("Next update due", w.next_update_with_warning(incident, now)),
    ]
    for name, label in BOOKKEEPING_LABELS:
        value = getattr(incident, name)
        if value:
            shown.append((label, value))
    return shown


def _last_update(incident: Incident, public_url: str) -> str:
    when = f" · {t.date(incident.last_update_at)}" if incident.last_update_at else ""
    heading = f"*Last update*{when}"
    text = w.long_text(incident, incident.last_update_text or "", room=t.SECTION - len(heading) - 1,
                       public_url=public_url)
    return f"{heading}\n{text}"


def _closing(incident: Incident, public_url: str) -> str:
    when = f" · {t.date(incident.resolved_at)} after {w.lasted(incident)}" if incident.resolved_at else ""
    heading = f"*{'Resolution' if incident.status is Status.RESOLVED else 'Cancelled'}*{when}"
    return f"{heading}\n{w.resolution(incident, room=t.SECTION - len(heading) - 1, public_url=public_url)}"
