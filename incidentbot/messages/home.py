"""The App Home tab ("what do I have to do right now") and the card incident-page links unfurl into."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentbot.domain.model import Incident
from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.message import Block, actions, button, context, divider, finish, header, lines, section


@dataclass(frozen=True)
class HomeIncidents:
    """What a Home tab shows of the open incidents, read within bounds however many are open: the first of
    those where the person has a part (a role, or a handoff waiting for their answer) and the first of all,
    each with how many there are in all."""

    yours: Sequence[Incident]
    yours_total: int
    shown: Sequence[Incident]
    total: int

    @classmethod
    def of(cls, user: str, incidents: Sequence[Incident]) -> HomeIncidents:
        """From a full list of the open incidents (a few, or a test's)."""
        yours = [i for i in incidents if has_part(i, user)]
        return cls(yours=yours, yours_total=len(yours), shown=incidents, total=len(incidents))


def has_part(incident: Incident, user: str) -> bool:
    return bool(incident.roles_of(user) or incident.pending_for(user))


def home_view(
    user: str, outages: HomeIncidents, *, now: datetime, public_url: str, action_items: Sequence[str] = ()
) -> dict[str, Any]:
    """The Home tab of `user`: the two ways in, their duties, then the open outages.

    `action_items`: one line per open action item of `user` (service/home.py renders them from the store).
    """
    blocks: list[Block] = [header("Outages"), actions(
        button("Declare an outage", action_id=ids.HOME_DECLARE, style="danger"),
        button("Report a problem", action_id=ids.HOME_REPORT),
    )]  # fmt: skip
    blocks += _yours(user, outages.yours, now)
    if outages.yours_total > len(outages.yours):
        blocks.append(context(f"… and {outages.yours_total - len(outages.yours)} more open outages where you "
                              f"have a part: `/outage list`"))
    if action_items:
        blocks += [section("*Your open action items*"), *lines(action_items)]
    blocks += [divider(), section(f"*Open outages* ({outages.total})")]
    blocks += [_incident_line(i, now, public_url) for i in outages.shown] or [context("No outage is open. 🎉")]
    if outages.total > len(outages.shown):
        blocks.append(context(f"… and {outages.total - len(outages.shown)} more: `/outage list`, or "
                              f"{public_url}/incidents"))
    return {"type": "home", "blocks": finish(blocks)}


def _yours(user: str, incidents: Sequence[Incident], now: datetime) -> list[Block]:
    blocks: list[Block] = [section("*Your part*")]
    for incident in incidents:
        roles = incident.roles_of(user)
        if roles:
            names = " and ".join(str(r) for r in roles)
            blocks.append(section(f"You are the *{names}* of {w.tag(incident)}: {w.short_summary(incident)}"))
        due = incident.next_update_due_at
        if incident.communicator == user and due is not None and now > due:
            blocks.append(section(f"⚠️ The update for {w.tag(incident)} is overdue since {t.date(due)}: "
                                  f"`{w.update_command(incident)}`"))
        for handoff in incident.pending_for(user):
            value = {"incident": incident.number, "role": str(handoff.role)}
            blocks.append(section(f"{t.user(handoff.requested_by)} asks you to take over as *{handoff.role}* "
                                  f"of {w.tag(incident)}: {w.short_summary(incident)}"))
            blocks.append(actions(button("Accept", action_id=ids.ACCEPT_HANDOFF, value=value, style="primary"),
                                  button("Decline", action_id=ids.DECLINE_HANDOFF, value=value)))
    if len(blocks) == 1:
        blocks.append(context("Nothing is waiting for you."))
    return blocks


def _incident_line(incident: Incident, now: datetime, public_url: str) -> Block:
    return section(
        f"{w.summary_line(incident)}\nCommander {t.user(incident.commander)} · communicator "
        f"{t.user(incident.communicator)} · declared {w.ago(incident.declared_at, now)} · next update "
        f"{w.next_update(incident)} · {w.page_link(incident, public_url)}"
    )


def unfurl_card(incident: Incident, *, now: datetime) -> dict[str, Any]:
    """What an incident page link shows in Slack: status, severity, roles, last update."""
    last = t.one_line(incident.last_update_text or "no update yet")
    return {"blocks": [
        section(f"*{w.title(incident)}*: {w.short_summary(incident)}"),
        context(f"Commander {t.user(incident.commander)} · communicator {t.user(incident.communicator)} · "
                f"last update: {last[:200]} · declared {w.ago(incident.declared_at, now)}"),
    ]}  # fmt: skip
