"""A resolution summary waits on the server for its Confirm click: a button's value holds 2,000 characters, a
summary up to 40,000. The button carries a random token; the click takes it once, in the resolving transaction.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from incidentbot.domain.model import Incident
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.store import confirmations
from incidentbot.store.unit_of_work import UnitOfWork

LIFETIME = timedelta(days=1)
KEEP_EXPIRED = timedelta(days=1)  # an expired button still says "expired" (not "unknown") for a day

_WHY = {
    "used": "This Confirm button was already used",
    "expired": "This Confirm button has expired (they last a day)",
    "unknown": "This Confirm button is no longer known",
}


def offer(incident: Incident, summary: str | None, *, caller: Caller, ctx: Context) -> str:
    """Keep `summary` for the Confirm button about to be shown (its own short transaction); returns its token."""
    assert incident.number is not None, "a stored incident has its number"
    token = secrets.token_urlsafe(24)
    now = ctx.clock()
    with ctx.new_uow() as uow:
        confirmations.forget_expired(uow.conn, before=now - KEEP_EXPIRED)
        confirmations.add(uow.conn, token=token, incident_number=incident.number, summary=summary,
                          created_by=caller.user_id, now=now, lifetime=LIFETIME)  # fmt: skip
        uow.commit()
    return token


def take(uow: UnitOfWork, token: str, *, ctx: Context) -> tuple[int, str | None]:
    """The incident number and summary a Confirm click stands for, marked used in `uow` (so a refused resolve,
    rolled back, leaves the button usable). Refused, with nothing written, when used, expired or unknown."""
    outcome, found = confirmations.use(uow.conn, token, now=ctx.clock())
    if outcome != "ok" or found is None:
        raise Refused(f"{_WHY.get(outcome, _WHY['unknown'])}: nothing changed. "
                      "To resolve, type `/outage resolve` again.")  # fmt: skip
    return found.incident_number, found.summary
