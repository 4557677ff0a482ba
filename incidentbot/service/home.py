"""Home tabs kept current: when who holds a role, who is asked to take one, or whether an incident is open
changes, the people concerned get their Home tab re-published (an outbox row each, rendered from state)."""

from __future__ import annotations

from datetime import datetime

from incidentbot.domain.model import Incident
from incidentbot.messages.home import home_view
from incidentbot.service.context import Context
from incidentbot.store import outbox
from incidentbot.store.outbox import OutboxMessage
from incidentbot.store.unit_of_work import UnitOfWork


def duties(incident: Incident | None) -> dict[str, tuple[object, ...]]:
    """What each person's Home tab shows of `incident`: their roles and the handoffs waiting for them."""
    if incident is None or not incident.is_open:
        return {}
    people: dict[str, tuple[object, ...]] = {}
    for user in {incident.commander, incident.communicator, *(h.to for h in incident.pending_handoffs)}:
        handoffs = tuple(sorted(str(h.role) for h in incident.pending_for(user)))
        people[user] = (tuple(str(r) for r in incident.roles_of(user)), handoffs)
    return people


def refresh(uow: UnitOfWork, ctx: Context, before: Incident | None, after: Incident, *, now: datetime) -> None:
    """Queue a fresh Home tab for everyone whose part in the incident changed (nobody, most of the time)."""
    old, new = duties(before), duties(after)
    changed = sorted(user for user in old.keys() | new.keys() if old.get(user) != new.get(user))
    if not changed:
        return
    incidents = uow.incidents.open_incidents()
    messages = [
        OutboxMessage(method="views.publish", ordering_key=f"home:{user}"[:80], purpose="home",
                      args={"user_id": user, "view": home_view(user, incidents, now=now,
                                                               public_url=ctx.config.public_url)})
        for user in changed
    ]  # fmt: skip
    outbox.enqueue(uow.conn, messages, now=now)
