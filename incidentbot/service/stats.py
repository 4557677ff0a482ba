"""The service-quality record, read in one transaction: the window's incidents, their timelines and items."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.domain.quality import QualityRecord, quality_record
from incidentbot.domain.quality_series import QualitySeries, quality_series
from incidentbot.service.context import Context


def service_record(
    ctx: Context, *, days: int, division: str | None = None, service: str | None = None
) -> QualityRecord:
    now = ctx.clock()
    with ctx.read_uow() as uow:
        found = uow.incidents.declared_since(now - timedelta(days=days))
        chosen = [i for i in found if (division is None or i.division == division)
                  and (service is None or (i.service or "").lower() == service.lower())]  # fmt: skip
        entries = [(i, uow.incidents.timeline(i.number or 0)) for i in chosen]
        items = uow.actions.find(open_only=True)
    return quality_record(entries, items, days=days, now=now, today=now.astimezone(ctx.config.tz).date(),
                          policy=ctx.policy)  # fmt: skip


def record_with_series(ctx: Context, *, days: int) -> tuple[QualityRecord, QualitySeries]:
    """The record and its charts' series for the stats page, from the same outages (one read)."""
    now = ctx.clock()
    with ctx.read_uow() as uow:
        found = uow.incidents.declared_since(now - timedelta(days=days))
        entries = [(i, uow.incidents.timeline(i.number or 0)) for i in found]
        items = uow.actions.find(open_only=True)
    record = quality_record(
        entries, items, days=days, now=now, today=now.astimezone(ctx.config.tz).date(), policy=ctx.policy
    )
    return record, quality_series(found, days=days, now=now, tz=ctx.config.tz)
