"""What delivering the outbox changes, one transaction each: rows claimed, delivered, retried or given up on
(the timeline says so and people are told), and an incident's thread moved under a new root message.

The outbox worker (slack/delivery) talks to Slack; every row it writes goes through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.domain.timeline import BOT, Kind, TimelineEvent
from incidentbot.messages import delivery_failed_post
from incidentbot.service.posts import NOTICE, ROOT, failure_notices
from incidentbot.service.reports import RESPONDERS, group_members_found
from incidentbot.store import outbox
from incidentbot.store.outbox import OutboxMessage, OutboxRow
from incidentbot.store.unit_of_work import UnitOfWork

# How many root messages an incident may get when its channel disappears under it (the first included).
MAX_THREADS = 3


@dataclass(frozen=True)
class DeliveryContext:
    """What the handlers below are given: who holds the leases, the clock, and units of work (whose
    repository knows the incident id prefix)."""

    owner: str
    clock: Callable[[], datetime]
    new_uow: Callable[[], UnitOfWork]
    read_uow: Callable[[], UnitOfWork]


@dataclass(frozen=True)
class RootThread:
    """Where an incident's thread is: `moving` while a replacement root message waits to be posted."""

    moving: bool
    channel: str | None = None
    ts: str | None = None


@dataclass(frozen=True)
class ThreadMove:
    """A replacement root message is queued; `channel` is its `#name` when this call queued it (None when
    another row of the incident got there first)."""

    channel: str | None


def claim(dctx: DeliveryContext, *, lease: timedelta, limit: int, urgent_only: bool = False) -> list[OutboxRow]:
    with dctx.new_uow() as uow:
        rows = outbox.claim(uow.conn, owner=dctx.owner, now=dctx.clock(), lease=lease, limit=limit,
                            urgent_only=urgent_only)
        uow.commit()
    return rows


def renew_leases(dctx: DeliveryContext, *, lease: timedelta, ids: list[int]) -> int:
    """The heartbeat: keep the rows this process is delivering (`ids`) leased to it for another `lease`."""
    if not ids:
        return 0
    with dctx.new_uow() as uow:
        count = outbox.renew_leases(uow.conn, owner=dctx.owner, ids=ids, until=dctx.clock() + lease)
        uow.commit()
    return count


def recover_abandoned(dctx: DeliveryContext) -> int:
    """Take back every leased row at once (only for the one process of a SQLite file, at start-up)."""
    with dctx.new_uow() as uow:
        count = outbox.recover_abandoned(uow.conn)
        uow.commit()
    return count


def root_thread(dctx: DeliveryContext, number: int) -> RootThread:
    with dctx.read_uow() as uow:
        if outbox.has_pending(uow.conn, ordering_key=thread_key(number)):
            return RootThread(moving=True)
        channel, ts = uow.incidents.thread_of(number)
    return RootThread(moving=False, channel=channel, ts=ts)


def delivered(dctx: DeliveryContext, row: OutboxRow, *, channel: str | None, ts: str | None,
              users: list[str] | None = None) -> None:  # fmt: skip
    """The row arrived; a root message's arrival is where the incident's thread now is; a user group looked up
    for an escalated report (`users`, its members) gets its members DMed."""
    with dctx.new_uow() as uow:
        if not outbox.mark_delivered(uow.conn, row.id, now=dctx.clock(), channel=channel, ts=ts, owner=dctx.owner):
            return  # another process owns the row now
        if row.purpose == "root" and row.incident_number is not None and channel and ts:
            uow.incidents.set_thread(row.incident_number, channel_id=channel, thread_ts=ts)
        if row.purpose.startswith(RESPONDERS) and users is not None:
            group_members_found(uow, int(row.purpose.removeprefix(RESPONDERS)), users, now=dctx.clock())
        uow.commit()


def retry(dctx: DeliveryContext, row: OutboxRow, *, delay: timedelta, reason: str, unknown_outcome: bool) -> None:
    """An attempt failed: try again after `delay`, counting the attempt."""
    with dctx.new_uow() as uow:
        outbox.mark_retry(uow.conn, row.id, retry_at=dctx.clock() + delay, error=reason,
                          unknown_outcome=unknown_outcome, owner=dctx.owner)  # fmt: skip
        uow.commit()


def postpone(dctx: DeliveryContext, row: OutboxRow, *, delay: timedelta, reason: str) -> None:
    """Nothing was sent: try again after `delay` without counting an attempt."""
    with dctx.new_uow() as uow:
        outbox.postpone(uow.conn, row.id, retry_at=dctx.clock() + delay, reason=reason, owner=dctx.owner)
        uow.commit()


def give_up(dctx: DeliveryContext, row: OutboxRow, reason: str, *, notify: bool = True) -> None:
    """The row will never be delivered: the timeline says so, and (once) the commander and the thread are told."""
    now = dctx.clock()
    with dctx.new_uow() as uow:
        if not outbox.mark_failed(uow.conn, row.id, error=reason, owner=dctx.owner):
            return  # another process owns the row now
        if row.incident_number is not None:
            _report_failure(uow, row, reason, now=now, notify=notify)
        uow.commit()


def _report_failure(uow: UnitOfWork, row: OutboxRow, reason: str, *, now: datetime, notify: bool) -> None:
    assert row.incident_number is not None
    what = describe(row)
    text = f"Could not deliver {what} to Slack ({row.method}): {reason}"
    uow.incidents.record(row.incident_number, TimelineEvent(at=now, kind=Kind.DELIVERY_FAILED, actor=BOT, text=text))
    incident = uow.incidents.get(row.incident_number)
    if not notify or row.purpose == NOTICE or incident is None:
        return
    msg = delivery_failed_post(incident, what=what, error=reason)
    in_thread = bool(incident.thread_ts) and row.purpose != "root"  # told in the thread too, where people look
    outbox.enqueue(uow.conn, failure_notices(incident, msg, in_thread=in_thread), now=now)


def move_thread(dctx: DeliveryContext, row: OutboxRow, reason: str) -> ThreadMove | None:
    """The incident's channel was archived or deleted under its thread: queue the root message again (its
    newest rendering) for the channel the thread was started in, found or created anew, ahead of the rows
    that wait for it. None when the thread cannot be moved (no incident, moved too often, nothing to copy)."""
    number = row.incident_number
    if number is None:
        return None
    now = dctx.clock()
    with dctx.new_uow() as uow:
        if outbox.has_pending(uow.conn, ordering_key=thread_key(number)):
            return ThreadMove(channel=None)  # another row of this incident got here first
        if sum(outbox.roots(uow.conn, incident_number=number).values()) >= MAX_THREADS:
            return None
        found = outbox.latest_root_render(uow.conn, incident_number=number, up_to=row.id)
        if found is None:
            return None
        name, content = found
        root = OutboxMessage(method="chat.postMessage", args={"channel": name, **content, "unfurl_links": False},
                             ordering_key=thread_key(number), incident_number=number, purpose="root")  # fmt: skip
        outbox.enqueue(uow.conn, [root], now=now)
        text = f"The outage's thread is gone ({reason}); it continues under a new root message in {name}."
        uow.incidents.record(number, TimelineEvent(at=now, kind=Kind.THREAD_MOVED, actor=BOT, text=text))
        uow.commit()
    return ThreadMove(channel=name)


def describe(row: OutboxRow) -> str:
    """What the row was, in words for the people the failure is reported to."""
    channel = str(row.args.get("channel", ""))
    if row.purpose == "root":
        return f"the outage's root message in {channel}"
    if row.purpose == "root_edit":
        return "an edit of the outage's root message"
    if row.purpose == "topic":
        return f"the channel topic of {channel}"
    if channel.startswith("@"):
        return f"a direct message to <@{channel[1:]}>"
    if row.args.get("thread_ts") == ROOT:
        return "a post in the outage's thread"
    return f"a post in {channel}" if channel.startswith("#") else f"a {row.method} call"


def thread_key(number: int) -> str:
    """The ordering key of an incident's re-created root message (ahead of the rows that wait for it)."""
    return f"incident:{number}:thread"
