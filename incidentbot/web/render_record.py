"""The record's pages as HTML: the stats page with its charts and the postmortem document. Pure."""

from __future__ import annotations

from incidentbot.domain.measures import DURATIONS
from incidentbot.domain.postmortem import TEXT_LIMIT
from incidentbot.domain.quality import MAX_DAYS, QualityRecord
from incidentbot.domain.quality_series import QualitySeries
from incidentbot.messages.stats import seconds
from incidentbot.service.postmortem import PostmortemView
from incidentbot.web import charts
from incidentbot.web.render import ENV, Page, shown

TITLES = {"detect": "Time to detect", "declare": "Time to declare", "mitigate": "Time to mitigate",
          "resolve": "Time to resolve"}  # fmt: skip


def stats_page(page: Page, record: QualityRecord, series: QualitySeries) -> str:
    services = charts.services(record)
    ranked = ", ".join(f"{name} {count}" for name, count in services.rows[:3])
    return ENV.get_template("stats.html").render(
        page=page, r=record, max_days=MAX_DAYS, seconds=seconds, colours=charts.COLOURS,
        durations=[(name, TITLES[name]) for name in DURATIONS],
        weekly=charts.weekly(series), busiest=max((w.total for w in series.weeks), default=0),
        resolve=charts.resolve_times(series, days=record.days, now=page.now, tz=page.tz),
        services=services, services_summary=f"Most outages: {ranked}." if ranked else "No outages.",
        on_time=charts.on_time(record),
    )  # fmt: skip


def postmortem_page(page: Page, found: PostmortemView, *, message: str = "", version: str = "") -> str:
    return ENV.get_template("postmortem.html").render(
        page=page, i=shown(found.incident), sections=found.sections, stored=found.stored, message=message,
        limit=TEXT_LIMIT, version=version, watch=found.incident.label,
    )  # fmt: skip
