"""Learning the names people go by, so documents read outside Slack (the postmortem) can name them."""

from __future__ import annotations

import logging
import time

from incidentbot.service.context import Context
from incidentbot.store import people

log = logging.getLogger("incidentbot.service")

NAME_LIMIT = 200
# A name this process has seen in the database is not read again for a while (every command passes one);
# after that it is checked again, in case another replica recorded a different one meanwhile.
SEEN_FOR = 600.0  # seconds
SEEN_MAX = 10_000  # people remembered per process; beyond that the memory starts over


def remember_name(ctx: Context, user_id: str, name: str | None) -> None:
    """Record `name` for `user_id` when it is new or changed (a read otherwise). Never fails a request."""
    name = (name or "").strip()[:NAME_LIMIT]
    if not user_id or not name or _seen_lately(ctx, user_id, name):
        return
    try:
        with ctx.read_uow() as uow:
            known = people.known_as(uow.conn, user_id) == name
        if not known:
            with ctx.new_uow() as uow:
                people.remember(uow.conn, user_id, name, now=ctx.clock())
                uow.commit()
    except Exception:
        log.warning("could not remember the name of %s", user_id, exc_info=True)
        return
    if len(ctx.names_seen) >= SEEN_MAX:
        ctx.names_seen.clear()
    ctx.names_seen[user_id] = (name, time.monotonic())


def _seen_lately(ctx: Context, user_id: str, name: str) -> bool:
    seen = ctx.names_seen.get(user_id)
    return seen is not None and seen[0] == name and time.monotonic() - seen[1] < SEEN_FOR
