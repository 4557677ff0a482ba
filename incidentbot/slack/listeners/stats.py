"""`/outage stats`: the service-quality record, only for the person who asked."""

from __future__ import annotations

from incidentbot.messages.stats import stats_message
from incidentbot.service.commands import ShowStats
from incidentbot.service.context import Context, Reply
from incidentbot.service.stats import service_record


def show_stats(parsed: ShowStats, *, ctx: Context) -> Reply:
    record = service_record(ctx, days=parsed.days, division=parsed.division, service=parsed.service)
    scope = "".join(f" · {label} {value}" for label, value in (("division", parsed.division),
                                                                ("service", parsed.service)) if value)
    msg = stats_message(record, scope=scope)
    return Reply(text=msg.text, blocks=msg.blocks)
