"""Read-side queries: what people and the JSON API ask to see. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from incidentbot.domain.actions import ActionItem
from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import TimelineEvent
from incidentbot.service.context import Caller, Context
from incidentbot.service.targets import find_incident
from incidentbot.store import outbox
from incidentbot.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    timeline: list[TimelineEvent]
    undelivered: int = 0
    failed: int = 0
    actions: tuple[ActionItem, ...] = ()


def first_open(ctx: Context, limit: int) -> tuple[list[Incident], int]:
    """The first `limit` open incidents and how many are open in all, in one read."""
    with ctx.read_uow() as uow:
        return uow.incidents.first_open(limit)


def incident_for(ctx: Context, caller: Caller, ref: int | None, *, timeline: bool = True) -> IncidentView:
    """`timeline=False` when the answer does not show it (the status card): big incidents have thousands."""
    with ctx.read_uow() as uow:
        incident = find_incident(uow, ctx, caller, ref, lock=False)
        return _view(uow, incident, timeline=timeline)


def incident_by_number(ctx: Context, number: int) -> IncidentView | None:
    with ctx.read_uow() as uow:
        incident = uow.incidents.get(number)
        return _view(uow, incident) if incident else None


@dataclass(frozen=True)
class TimelinePage:
    events: list[TimelineEvent]
    earlier: int | None  # the `before` that fetches the page before this one; None on the first page


def incident_page(
    ctx: Context, number: int, *, limit: int, before: int | None
) -> tuple[IncidentView, TimelinePage] | None:
    """An incident with one page of its timeline: the `limit` newest events before event id `before`."""
    with ctx.read_uow() as uow:
        incident = uow.incidents.get(number)
        if incident is None:
            return None
        rows = uow.incidents.timeline_page(number, limit=limit + 1, before=before)
        more = len(rows) > limit
        rows = rows[1:] if more else rows
        page = TimelinePage(events=[e for _, e in rows], earlier=rows[0][0] if more and rows else None)
        return _view(uow, incident, timeline=False), page


def newest(ctx: Context, *, open_only: bool, limit: int, offset: int = 0) -> list[Incident]:
    with ctx.read_uow() as uow:
        return uow.incidents.newest(open_only=open_only, limit=limit, offset=offset)


def delivery_counts(ctx: Context) -> dict[str, int]:
    with ctx.read_uow() as uow:
        return outbox.counts(uow.conn)


def _view(uow: UnitOfWork, incident: Incident, *, timeline: bool = True) -> IncidentView:
    assert incident.number is not None
    counts = outbox.counts(uow.conn, incident_number=incident.number)
    events = uow.incidents.timeline(incident.number) if timeline else []
    return IncidentView(incident=incident, timeline=events, undelivered=counts[outbox.PENDING],
                        failed=counts[outbox.FAILED],
                        actions=tuple(uow.actions.find(incident_number=incident.number)))


def action_items(ctx: Context, *, open_only: bool, owner: str | None) -> tuple[list[ActionItem], dict[int, str]]:
    """Action items with the label of each one's incident (`OUT-12`)."""
    with ctx.read_uow() as uow:
        items = uow.actions.find(open_only=open_only, owner=owner)
    return items, {n: f"{ctx.config.id_prefix}-{n}" for n in {i.incident_number for i in items}}
