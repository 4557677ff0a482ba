"""Posts in an incident's thread: what happened, who did it, and what is expected next.

Notes are recorded in the timeline only; they have no thread post.
"""

from __future__ import annotations

from datetime import datetime

from incidentbot.domain.model import Handoff, Incident, Role, Status
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.incident import next_update_context
from incidentbot.messages.message import Message, compose, context, say, section


def update_post(
    incident: Incident, *, text: str, actor: str, status_changed_from: Status | None, public_url: str | None = None
) -> Message:
    """The update in the thread; a text too long for one block is cut there, with a link to the whole."""
    heading = w.update_heading(incident, actor=actor, status_changed_from=status_changed_from)
    body = w.long_text(incident, text, room=t.SECTION - len(t.inert(heading)) - 1, public_url=public_url)
    return compose(f"{w.tag(incident)} update: {text}", [section(f"{heading}\n{body}"), next_update_context(incident)])


def severity_post(incident: Incident, *, old: int, actor: str) -> Message:
    verb, change = w.severity_verb(incident, old), w.severity_range(incident, old)
    sentence = f"{w.severity_arrow(incident, old)} {t.actor(actor)} {verb} {w.tag(incident)} {change}."
    if incident.severity == 1 and incident.company_wide:
        sentence += " It is now company-wide."
    return say(sentence, next_update_context(incident))


def resolved_post(incident: Incident, *, actor: str, public_url: str | None = None) -> Message:
    """The resolution in the thread; a summary too long for one block is cut there, with a link to the whole."""
    sentence = f"✅ {t.actor(actor)} resolved {w.tag(incident)} after {w.lasted(incident)}."
    heading = f"{sentence}\n*Resolution:* "
    summary = w.resolution(incident, room=t.SECTION - len(heading), public_url=public_url)
    return compose(
        sentence,
        [
            section(heading + summary),
            context(f"Reminders stopped. Postmortem draft: `/outage postmortem {incident.label}`"),
        ],
    )


def cancelled_post(incident: Incident, *, actor: str) -> Message:
    return say(f"⚪ {t.actor(actor)} cancelled {w.tag(incident)}: declared in error. Reminders stopped.")


def handoff_requested_post(incident: Incident, handoff: Handoff) -> Message:
    return say(
        f"🤝 {w.tag(incident)}: {w.pending(handoff)}, requested by {t.actor(handoff.requested_by)}. "
        f"{t.user(incident.holder(handoff.role))} stays {handoff.role} until {t.user(handoff.to)} accepts."
    )


def handoff_accepted_post(incident: Incident, *, role: Role, user: str, previous: str) -> Message:
    return say(f"✅ {t.user(user)} is now the {role} of {w.tag(incident)}, taking over from {t.user(previous)}.")


def handoff_declined_post(incident: Incident, *, role: Role, user: str) -> Message:
    return say(f"↩️ {t.user(user)} declined the {role} role of {w.tag(incident)}: {w.stays(incident, role)}.")


def handoff_expired_post(incident: Incident, handoff: Handoff) -> Message:
    return say(f"⌛ No answer from {t.user(handoff.to)} on {w.tag(incident)}: {w.stays(incident, handoff.role)}.")


def update_due_post(incident: Incident) -> Message:
    return say(f"⏰ {t.user(incident.communicator)}: {w.update_due(incident)}")


def update_overdue_post(incident: Incident) -> Message:
    people = _people_running(incident)
    return say(f"⚠️ {people}: {w.overdue_since(incident)}. Post one with {w.update_command(incident)}.")


def update_chase_post(incident: Incident, *, now: datetime) -> Message:
    """Said at every period an overdue update stays missing, until someone posts one."""
    return say(f"⚠️ {_people_running(incident)}: {w.still_silent(incident, now)}. "
               f"Post one with {w.update_command(incident)}.")


def _people_running(incident: Incident) -> str:
    if incident.commander == incident.communicator:
        return t.user(incident.commander)
    return f"{t.user(incident.commander)} {t.user(incident.communicator)}"


def runbook_post(incident: Incident, *, runbook_url: str, title: str) -> Message:
    return say(f"📘 Runbook for {w.tag(incident)}: {t.link(runbook_url, title)}")


def delivery_failed_post(incident: Incident, *, what: str, error: str) -> Message:
    """Said in the thread when the bot gave up on a Slack call, so nobody trusts a message that never went."""
    return say(f"⚠️ {w.tag(incident)}: could not deliver {what} ({error}).")
