"""Exactly once: after an attempt whose outcome is unknown, look for the post in Slack before posting again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from incidentbot.slack.delivery.holds import CoolingDown
from incidentbot.slack.delivery.policy import passing
from incidentbot.slack.delivery.references import delivery_id_of
from incidentbot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

Call = Callable[[str, dict[str, Any]], Any]

# After an unknown outcome, how many pages of the channel or thread are searched for the delivery id.
SEARCH_PAGES = 10


def find_delivered(row: OutboxRow, args: dict[str, Any], *, call: Call) -> str | None:
    """The `ts` of the row's post if an earlier attempt delivered it, looked up in the channel (or thread)
    that `args` (resolved) name.

    When the look-up itself fails for a passing reason (Slack still down, rate limited), the error is
    raised: the row is retried later, still unknown, rather than risk a double post. When it cannot work
    at all (e.g. no `im:history` scope to read a DM), the post is made again: a rare double beats a post
    that waits forever.
    """
    try:
        return _search(row, args, call)
    except Exception as error:
        if isinstance(error, CoolingDown) or passing(error):
            raise
        log.warning("could not check whether outbox row %s arrived (%s); posting again", row.id, error)
        return None


def _search(row: OutboxRow, args: dict[str, Any], call: Call) -> str | None:
    query: dict[str, Any] = {"channel": args["channel"], "include_all_metadata": True, "limit": 200}
    method = "conversations.history"
    if args.get("thread_ts"):
        method, query["ts"] = "conversations.replies", args["thread_ts"]
    cursor = ""
    for _ in range(SEARCH_PAGES):
        page = call(method, {**query, "cursor": cursor} if cursor else query)
        for message in page.get("messages") or []:
            if delivery_id_of(message) == row.delivery_id:
                return str(message.get("ts"))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            break
    return None
