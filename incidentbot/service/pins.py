"""Messages put onto an incident's timeline (📌 or "Add to outage timeline"), once however often pinned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import Kind, TimelineEvent
from incidentbot.messages.text import escape, one_line
from incidentbot.service.context import Context, Refused
from incidentbot.store import reports as store

QUOTE = 500


@dataclass(frozen=True, slots=True)
class Pinned:
    """A message to put on a timeline: where it is, who wrote it, and who asked."""

    channel_id: str
    ts: str
    author: str | None
    by: str
    permalink: str
    text: str = ""

    @property
    def written_at(self) -> datetime:
        return datetime.fromtimestamp(float(self.ts), tz=UTC)


# How many of a channel's open outages a pin offers to choose from (a button each).
CHOICES = 5


def incidents_in_channel(
    ctx: Context, channel_id: str, *, thread_ts: str | None = None, number: int | None = None
) -> list[Incident]:
    """The open incidents a message in `channel_id` may belong to (only `number`, when given): the one whose
    thread it is in, else the first CHOICES of the channel's."""
    with ctx.read_uow() as uow:
        if thread_ts is not None:
            in_thread = uow.incidents.open_in_channel(channel_id, thread_ts=thread_ts, number=number, limit=1)
            if in_thread:
                return in_thread
        return uow.incidents.open_in_channel(channel_id, number=number, limit=CHOICES)


def add_to_timeline(ctx: Context, number: int, pinned: Pinned) -> tuple[Incident, bool]:
    """Record the message on incident `number`'s timeline; the bool is False when it already was there."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        incident = uow.incidents.get(number, lock=True)
        if incident is None:
            raise Refused("That outage does not exist.")
        if not store.pin(uow.conn, incident_number=number, channel_id=pinned.channel_id, message_ts=pinned.ts,
                         now=now):
            return incident, False
        author = pinned.author or "an app"
        quote = one_line(escape(pinned.text))[:QUOTE]
        text = (f"Message by {author} (written {pinned.written_at.isoformat(timespec='seconds')}), added by "
                f"{pinned.by}: {quote} {pinned.permalink}".replace("  ", " "))
        people = tuple(p for p in (pinned.author, pinned.by) if p)
        uow.incidents.record(number, TimelineEvent(at=pinned.written_at, kind=Kind.MESSAGE_PINNED, actor=pinned.by,
                                                   text=text, people=people))
        uow.commit()
        return incident, True


def unpinned(ctx: Context, *, channel_id: str, ts: str, by: str) -> list[int]:
    """📌 removed: history stays; each incident holding the message gets an event saying so."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        numbers = store.pinned_to(uow.conn, channel_id=channel_id, message_ts=ts)
        for number in numbers:
            text = f"{by} removed the 📌 from a message on the timeline (written {_iso(ts)}); it stays on the record."
            uow.incidents.record(number, TimelineEvent(at=now, kind=Kind.MESSAGE_UNPINNED, actor=by, text=text,
                                                       people=(by,)))
        uow.commit()
    return numbers


def _iso(ts: str) -> str:
    return datetime.fromtimestamp(float(ts), tz=UTC).isoformat(timespec="seconds")
