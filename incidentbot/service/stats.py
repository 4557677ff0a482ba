"""The service-quality record, read in one transaction: the window's incidents, their timelines and items."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.domain.incident import Incident
from incidentbot.domain.quality import QualityRecord, ReportTimes, quality_record
from incidentbot.domain.quality_series import QualitySeries, quality_series
from incidentbot.service.context import Context
from incidentbot.store import reports as report_store


def service_record(
    ctx: Context, *, days: int, division: str | None = None, service: str | None = None
) -> QualityRecord:
    return _record(ctx, days=days, division=division, service=service)[0]


def record_with_series(ctx: Context, *, days: int) -> tuple[QualityRecord, QualitySeries]:
    """The record and its charts' series for the stats page, from the same outages (one read)."""
    record, chosen = _record(ctx, days=days, division=None, service=None)
    return record, quality_series(chosen, days=days, now=ctx.clock(), tz=ctx.config.tz)


def _record(
    ctx: Context, *, days: int, division: str | None, service: str | None
) -> tuple[QualityRecord, list[Incident]]:
    now = ctx.clock()
    with ctx.read_uow() as uow:
        found = uow.incidents.declared_since(now - timedelta(days=days))
        chosen = [i for i in found if (division is None or i.division == division)
                  and (service is None or (i.service or "").lower() == service.lower())]  # fmt: skip
        entries = [(i, uow.incidents.timeline(i.number or 0)) for i in chosen]
        items = uow.actions.find(open_only=True)
        made = report_store.reported_since(uow.conn, now - timedelta(days=days))
    if division is not None or service is not None:  # a report has no division: those declared into the chosen
        numbers = {i.number for i in chosen}
        made = [r for r in made if r.incident_number in numbers]
    times = [ReportTimes(r.reported_at, r.answered_at, r.escalated_at is not None) for r in made]
    record = quality_record(entries, items, days=days, now=now, today=now.astimezone(ctx.config.tz).date(),
                            policy=ctx.policy, reports=times)  # fmt: skip
    return record, chosen
