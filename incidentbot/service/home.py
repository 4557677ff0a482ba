"""Home tabs kept current: when who holds a role, who is asked to take one, or whether an incident is open
changes, or an action item of someone's is added, closed or reopened, the people concerned get their Home tab
re-published: an outbox row each, whose view (`HOME`) is rendered from state when the row is delivered, after
the command has answered and outside its transaction (the worker calls `view_for`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from incidentbot.domain.model import Incident
from incidentbot.messages.actions import action_row
from incidentbot.messages.home import HomeIncidents, home_view
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


# How many open incidents a Home tab lists, of the person's and of all: read within these bounds whatever
# the number open (a thousand, in a bad hour).
YOURS_SHOWN = 8
OPEN_SHOWN = 20


# In a queued `views.publish`, the view still to be rendered: the Home tab as it is when the row is delivered.
HOME = "$home"


def view_for(ctx: Context, user: str) -> dict[str, Any]:
    """The Home tab of `user` as it is now, from state: their part in the open incidents, the first open
    incidents (with how many are open in all) and their own open action items. Read-only; for
    `app_home_opened`, and for a queued row's `HOME`."""
    now = ctx.clock()
    today = now.astimezone(ctx.config.tz).date()
    with ctx.read_uow() as uow:
        mine = [action_row(item, incident_label=f"{ctx.config.id_prefix}-{item.incident_number}", today=today)
                for item in uow.actions.find(owner=user, open_only=True)]
        yours, yours_total = uow.incidents.involving(user, YOURS_SHOWN)
        shown, total = uow.incidents.first_open(OPEN_SHOWN)
    outages = HomeIncidents(yours=yours, yours_total=yours_total, shown=shown, total=total)
    return home_view(user, outages, now=now, public_url=ctx.config.public_url, action_items=mine)


def refresh(uow: UnitOfWork, ctx: Context, before: Incident | None, after: Incident, *, now: datetime) -> None:
    """Queue a fresh Home tab for everyone whose part in the incident changed (nobody, most of the time)."""
    old, new = duties(before), duties(after)
    queue(uow, ctx, (user for user in old.keys() | new.keys() if old.get(user) != new.get(user)), now=now)


def queue(uow: UnitOfWork, ctx: Context, users: Iterable[str | None], *, now: datetime) -> None:
    """Queue a fresh Home tab for each of `users`, rendered when it is delivered (so it shows what is true then,
    and the command that queued it reads and renders nothing for it)."""
    changed = sorted({user for user in users if user})
    if not changed:
        return
    messages = [
        OutboxMessage(method="views.publish", ordering_key=f"home:{user}"[:80], purpose="home",
                      args={"user_id": user, "view": HOME})
        for user in changed
    ]  # fmt: skip
    outbox.enqueue(uow.conn, messages, now=now)
