"""Learning the names people go by, so documents read outside Slack (the postmortem) can name them."""

from __future__ import annotations

import logging

from incidentbot.service.context import Context
from incidentbot.store import people

log = logging.getLogger("incidentbot.service")

NAME_LIMIT = 200


def remember_name(ctx: Context, user_id: str, name: str | None) -> None:
    """Record `name` for `user_id` when it is new or changed (a read otherwise). Never fails a request."""
    name = (name or "").strip()[:NAME_LIMIT]
    if not user_id or not name:
        return
    try:
        with ctx.read_uow() as uow:
            if people.known_as(uow.conn, user_id) == name:
                return
        with ctx.new_uow() as uow:
            people.remember(uow.conn, user_id, name, now=ctx.clock())
            uow.commit()
    except Exception:
        log.warning("could not remember the name of %s", user_id, exc_info=True)
