"""Read-side queries for the pages: the status page's two lists, and the signals the pages watch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from incidentbot.domain.model import Incident
from incidentbot.service.context import Context
from incidentbot.store import page_signals, people
from incidentbot.store.page_signals import Delivery

RECENT = timedelta(days=30)
MOST = 500


@dataclass(frozen=True)
class StatusPage:
    open: list[Incident]
    recent: list[Incident]  # closed, declared in the last 30 days
    delivery: Delivery


def status_page(ctx: Context) -> StatusPage:
    now = ctx.clock()
    with ctx.read_uow() as uow:
        open_now = uow.incidents.newest(open_only=True, limit=MOST)
        newest = uow.incidents.newest(open_only=False, limit=MOST)
        delivery = page_signals.delivery(uow.conn, now=now)
    recent = [i for i in newest if not i.status.is_open and i.declared_at >= now - RECENT]
    return StatusPage(open=open_now, recent=recent, delivery=delivery)


def names_of(ctx: Context, user_ids: Iterable[str | None]) -> dict[str, str]:
    """The names the people a page shows go by (learnt from their Slack requests), where known."""
    wanted = {user for user in user_ids if user}
    if not wanted:
        return {}
    with ctx.read_uow() as uow:
        return people.names(uow.conn, wanted)


def people_in(incidents: Iterable[Incident]) -> set[str]:
    """Everyone the pages name for `incidents`: who runs them, who declared them, who is asked to take over."""
    found: set[str] = set()
    for i in incidents:
        found |= {i.commander, i.communicator, i.declared_by}
        found |= {person for h in i.pending_handoffs for person in (h.to, h.requested_by)}
    return found


def delivery(ctx: Context) -> Delivery:
    with ctx.read_uow() as uow:
        return page_signals.delivery(uow.conn, now=ctx.clock())


def version(ctx: Context, *, postmortem_of: int | None = None) -> str:
    """Changes whenever anything a page shows changes: every change writes a timeline event, and delivery
    moves the outbox counts; the postmortem page also watches its own sections' edits. Read from the
    database, so every replica answers the same."""
    with ctx.read_uow() as uow:
        newest = page_signals.newest_event_id(uow.conn)
        d = page_signals.delivery(uow.conn, now=ctx.clock())
        edited = page_signals.newest_postmortem_edit(uow.conn, postmortem_of) if postmortem_of else ""
    return f"{newest}.{d.waiting}.{d.retrying}.{d.failed_recently}.{int(d.stuck)}" + (f".{edited}" if edited else "")
