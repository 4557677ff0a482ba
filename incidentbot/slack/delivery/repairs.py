"""Channel repairs: join a channel the bot was removed from, find or create again a channel that is gone,
and move an incident's thread when its channel went from under it."""

from __future__ import annotations

import logging
from typing import Any

from incidentbot.service import deliveries
from incidentbot.service.deliveries import DeliveryContext
from incidentbot.service.posts import ROOT
from incidentbot.slack.delivery.policy import Action, Verdict
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

# Joining a channel or finding it again is tried this many times per row before the row is given up.
MAX_REPAIRS = 5


class JoinFailed(Exception):
    """Joining the channel failed; `error` is what Slack (or the network) answered, to be treated in turn."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def repair(
    row: OutboxRow, verdict: Verdict, args: dict[str, Any] | None, *, directory: ChannelDirectory,
    dctx: DeliveryContext,
) -> Verdict:  # fmt: skip
    """Repair what a JOIN or RECREATE verdict asks for; the verdict returned says what becomes of the row
    (tried again at once, waiting for its new thread, or given up when the repair cannot be made).
    `args` are the row's resolved arguments (None when they are not known)."""
    repairable = row.attempts < MAX_REPAIRS
    target = str(row.args.get("channel", ""))
    if verdict.action is Action.JOIN and args is not None and repairable:
        try:
            directory.join(args["channel"])
        except Exception as error:
            raise JoinFailed(error) from error
        return Verdict(Action.RETRY, "joined the channel")
    if verdict.action is Action.RECREATE and repairable:
        if target.startswith(("#", "@")):
            directory.forget(target)  # found (or created) again on the next attempt
            return Verdict(Action.RETRY, verdict.reason)
        if target == ROOT and _move_thread(row, verdict.reason, directory=directory, dctx=dctx):
            return Verdict(Action.WAIT, "the incident's thread is being re-created")
    return Verdict(Action.FAIL, verdict.reason)


def _move_thread(row: OutboxRow, reason: str, *, directory: ChannelDirectory, dctx: DeliveryContext) -> bool:
    moved = deliveries.move_thread(dctx, row, reason)
    if moved is None:
        return False
    if moved.channel is not None:
        log.warning("incident %s: its thread is gone (%s); re-creating it in %s", row.incident_number, reason,
                    moved.channel)  # fmt: skip
        directory.forget(moved.channel)
    return True
