"""What `GET /metrics` shows (Prometheus text format): counters and histograms kept in memory by the parts
that see the events, and gauges read from the database when scraped (so they are the same in every replica).

With PROMETHEUS_MULTIPROC_DIR set, prometheus-client keeps the in-memory values in files there and the
scrape adds up every process's (the directory must be emptied when the server starts, as its docs say).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Connection, func, select

from incidentbot.service.context import Context
from incidentbot.store import holds
from incidentbot.store.outbox import PENDING
from incidentbot.store.tables import due_work, outbox

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REGISTRY = CollectorRegistry(auto_describe=True)
ACK_SECONDS = Histogram(
    "incidentbot_ack_seconds", "Time from a Slack request's arrival to its acknowledgement, by command",
    ["command"], buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0), registry=REGISTRY,
)  # fmt: skip
SLACK_CALLS = Counter("incidentbot_slack_calls", "Slack Web API calls made, by method and HTTP status",
                      ["method", "status"], registry=REGISTRY)  # fmt: skip
SLACK_ERRORS = Counter("incidentbot_slack_errors", "Slack Web API calls that failed (ok: false, an HTTP error or "
                       "no answer), by method and HTTP status", ["method", "status"], registry=REGISTRY)  # fmt: skip
SLACK_429 = Counter("incidentbot_slack_rate_limited", "HTTP 429 answers from Slack: each one holds the method "
                    "back for its Retry-After", ["method"], registry=REGISTRY)  # fmt: skip


def exposition(ctx: Context, *, multiprocess_mode: bool) -> bytes:
    """The text a scrape returns: this process's (or every process's) counters, then the database gauges."""
    if multiprocess_mode:
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(DatabaseGauges(ctx))
    return generate_latest(counted) + generate_latest(gauges)


class DatabaseGauges(Collector):
    """Outbox backlog, the age of the oldest undelivered post, due-work lag and current 429 holds."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self._ctx.clock()
        with self._ctx.read_uow() as uow:
            backlog, oldest, lag, held = _readings(uow.conn, now)
        yield GaugeMetricFamily("incidentbot_outbox_backlog", "Slack posts waiting to be delivered", value=backlog)
        yield GaugeMetricFamily("incidentbot_outbox_oldest_undelivered_seconds",
                                "Age of the oldest post still waiting (0 when none is)", value=oldest)  # fmt: skip
        yield GaugeMetricFamily("incidentbot_due_work_lag_seconds",
                                "How long the most overdue piece of due work has been due (0 when none is)",
                                value=lag)  # fmt: skip
        holding = GaugeMetricFamily("incidentbot_slack_hold_seconds",
                                    "Seconds a method is still held back by Slack's Retry-After", labels=["method"])
        wall = datetime.now(UTC)  # holds are kept in wall-clock time, as Slack's Retry-After runs (delivery/holds)
        for method, until in held.items():
            holding.add_metric([method], max(0.0, (until - wall).total_seconds()))
        yield holding


def _readings(conn: Connection, now: datetime) -> tuple[int, float, float, dict[str, datetime]]:
    pending = outbox.c.state == PENDING
    backlog, oldest = conn.execute(select(func.count(), func.min(outbox.c.created_at)).where(pending)).one()
    first_due = conn.execute(select(func.min(due_work.c.due_at))).scalar()
    oldest_at = _aware(oldest)
    due_at = _aware(first_due)
    return (
        int(backlog),
        max(0.0, (now - oldest_at).total_seconds()) if oldest_at else 0.0,
        max(0.0, (now - due_at).total_seconds()) if due_at else 0.0,
        holds.active(conn, datetime.now(UTC)),
    )


def _aware(value: datetime | None) -> datetime | None:
    """min() keeps the column's type (aware UTC); a naive value would be UTC as stored."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
