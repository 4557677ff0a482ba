"""Direct messages: role duties, handoff requests and their outcome, reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from incidentbot.domain.model import Handoff, Incident, Role
from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.incident import next_update_context
from incidentbot.messages.message import Message, actions, button, compose, context, lines, say, section

OUTCOMES = ("accepted", "declined", "expired")


def role_duties(incident: Incident, *, role: Role, cadence: timedelta | None = None) -> Message:
    return roles_duties(incident, roles=[role], cadence=cadence)


def roles_duties(incident: Incident, *, roles: Sequence[Role], cadence: timedelta | None = None) -> Message:
    """One DM for everything the person holds: `You are the *commander* and *communicator* of …`."""
    held = " and ".join(f"*{role}*" for role in roles)
    return compose(
        f"You are the {held.replace('*', '')} of {w.tag(incident)}",
        [
            section(f"You are the {held} of {_about(incident)}"),
            *(section(duties(incident, role, cadence)) for role in roles),
            next_update_context(incident),
        ],
    )


def handoff_request(incident: Incident, handoff: Handoff, *, cadence: timedelta) -> Message:
    reminder = "Reminder: " if handoff.repinged else ""
    ask = f"{reminder}{t.actor(handoff.requested_by)} asks you to take over as *{handoff.role}* of {_about(incident)}"
    holder = f"Until you accept, {t.user(incident.holder(handoff.role))} stays {handoff.role}."
    value = {"incident": incident.number, "role": str(handoff.role)}
    return compose(
        f"{reminder}{t.actor(handoff.requested_by)} asks you to be the {handoff.role} of {w.tag(incident)}",
        [
            section(ask),
            section(f"{duties(incident, handoff.role, cadence)}\n{holder}"),
            actions(
                button("Accept", action_id=ids.ACCEPT_HANDOFF, value=value, style="primary"),
                button("Decline", action_id=ids.DECLINE_HANDOFF, value=value),
            ),
        ],
    )


def handoff_result_for_requester(incident: Incident, handoff: Handoff, *, outcome: str) -> Message:
    who, role, tag = t.user(handoff.to), handoff.role, w.tag(incident)
    sentences = {
        "accepted": f"✅ {who} accepted: they are now the {role} of {tag}.",
        "declined": f"↩️ {who} declined the {role} role of {tag}: {w.stays(incident, role)}.",
        "expired": f"⌛ {who} did not answer your {role} handoff for {tag} in time: {w.stays(incident, role)}.",
    }
    if outcome not in sentences:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    return say(sentences[outcome])


def handoff_withdrawn(incident: Incident, handoff: Handoff) -> Message:
    """To the person a handoff was addressed to, when it no longer stands (replaced, or the outage closed)."""
    why = f"the outage is {incident.status}" if not incident.is_open else "someone else was asked instead"
    return say(f"↩️ Never mind: the request to be the {handoff.role} of {w.tag(incident)} was withdrawn ({why}). "
               f"Nothing is expected of you.")


def update_due_dm(incident: Incident) -> Message:
    return say(f"⏰ {w.capitalised(w.update_due(incident))}")


def update_chase_dm(incident: Incident, *, user: str, now: datetime) -> Message:
    """To the communicator and the commander, at every period an overdue update stays missing."""
    text = f"⚠️ {w.capitalised(w.still_silent(incident, now))}. Post one with {w.update_command(incident)}"
    if user != incident.communicator:
        text += f", or hand the communicator role on with {w.role_handoff_command(incident, Role.COMMUNICATOR)}"
    return say(text + ".")


def overdue_dm_for_commander(incident: Incident) -> Message:
    return say(
        f"⚠️ {w.capitalised(w.overdue_since(incident))}. {t.user(incident.communicator)} is the communicator. "
        f"Post one yourself with {w.update_command(incident)}, or hand the role on with "
        f"{w.role_handoff_command(incident, Role.COMMUNICATOR)}."
    )


def postmortem_reminder(incident: Incident, *, public_url: str, empty: Sequence[str] = ()) -> Message:
    """The commander's reminder: the questions still unanswered, and the button to answer them."""
    when = f" {t.date(incident.resolved_at)}" if incident.resolved_at else ""
    sentence = (
        f"📝 {w.tag(incident)} was resolved{when} after {w.lasted(incident)}; its postmortem is due. "
        "Review the draft: who was involved, how it happened, what went well, what could have gone better, "
        "and the action items that prevent a recurrence."
    )
    blocks = [section(sentence)]
    if empty:
        blocks += lines([f"*Still unanswered ({len(empty)}):*", *(f"• {title}" for title in empty)])
        blocks.append(actions(button("Edit postmortem", action_id=ids.EDIT_POSTMORTEM,
                                     value={"incident": incident.number})))
    blocks.append(context(w.page_link(incident, public_url),
                          f"`/outage postmortem {incident.label}` shows the document"))
    return compose(sentence, blocks)


def duties(incident: Incident, role: Role, cadence: timedelta | None) -> str:
    """What the holder of `role` is expected to do (PRODUCT.md: one decides, one informs)."""
    if role is Role.COMMANDER:
        return (
            "*You decide*: what is tried, who works on what, when to escalate and when it is over. "
            "Keep the fixing going; leave stakeholder updates to the communicator.\n"
            f"• Severity: `/outage sev N {incident.label}`\n"
            f"• Resolve: `/outage resolve {incident.label} [summary]`\n"
            f"• Hand the role on: {w.role_handoff_command(incident, role)}"
        )
    every = f"every {w.duration(cadence)}" if cadence else f"on the {w.sev(incident.severity)} cadence"
    return (
        "*You keep stakeholders informed*, so the people fixing it are not interrupted. "
        f"Post a status update {every} with {w.update_command(incident)}: what is known, what is being done, "
        "when the next update comes.\n"
        f"• Hand the role on: {w.role_handoff_command(incident, role)}"
    )


def _about(incident: Incident) -> str:
    return f"{w.tag(incident)} ({w.sev(incident.severity)}, {incident.division}): {w.short_summary(incident)}"
