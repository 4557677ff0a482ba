"""The service-quality record as JSON (PRODUCT.md "Interfaces": the field names are a contract) and as an
ephemeral Slack answer readable at a glance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from incidentbot.domain.measures import DURATIONS
from incidentbot.domain.quality import QualityRecord
from incidentbot.durations import format_duration
from incidentbot.messages import text as t
from incidentbot.messages.message import Message, compose, context, fields, header, lines

_TITLES = {"detect": "Time to detect", "declare": "Time to declare", "mitigate": "Time to mitigate",
           "resolve": "Time to resolve"}  # fmt: skip


def stats_json(record: QualityRecord) -> dict[str, Any]:
    return {
        "days": record.days,
        "incidents": record.incidents,
        "excluded": {"drills": record.drills, "cancelled": record.cancelled},
        "by_severity": dict(record.by_severity),
        "by_division": dict(sorted(record.by_division.items())),
        "by_service": dict(sorted(record.by_service.items())),
        "durations": {name: {"median_s": record.durations[name][0], "p90_s": record.durations[name][1]}
                      for name in DURATIONS},
        "updates_on_time_pct": record.updates_on_time_pct,
        "handoff_ack_median_s": record.handoff_ack_median_s,
        "repeat_causes": [{"service": r.service, "cause": r.cause, "incidents": list(r.incidents)}
                          for r in record.repeat_causes],
        "actions": {"open": record.actions_open, "overdue": record.actions_overdue},
        # More than PRODUCT.md's contract (extra fields are allowed): reports of problems, time to respond.
        "reports": {"count": record.reports, "waiting": record.reports_waiting,
                    "escalated": record.reports_escalated, "respond_median_s": record.report_response[0],
                    "respond_p90_s": record.report_response[1]},
    }


def seconds(value: float | None) -> str:
    return "—" if value is None else format_duration(timedelta(seconds=round(value)))


def stats_message(record: QualityRecord, *, scope: str = "") -> Message:
    title = f"Service quality · last {record.days} days{scope}"
    excluded = f"Left out: {record.drills} drill(s), {record.cancelled} cancelled (declared in error)."
    severities = ", ".join(f"SEV{s}: {n}" for s, n in record.by_severity.items())
    pct = "—" if record.updates_on_time_pct is None else f"{record.updates_on_time_pct:g}%"
    pairs = [("Outages", f"{record.incidents} ({severities})"),
             *((_TITLES[n], f"median {seconds(record.durations[n][0])} · p90 {seconds(record.durations[n][1])}")
               for n in DURATIONS),
             ("Updates on time", pct), ("Handoff acknowledged in", f"median {seconds(record.handoff_ack_median_s)}"),
             ("Action items", f"{record.actions_open} open, {record.actions_overdue} overdue"),
             ("Reports answered in", f"median {seconds(record.report_response[0])} · p90 "
              f"{seconds(record.report_response[1])} ({record.reports} reported, {record.reports_escalated} "
              f"escalated, {record.reports_waiting} waiting)")]  # fmt: skip
    repeats = [f"• {t.escape(r.service)} / {r.cause}: {', '.join(r.incidents)}" for r in record.repeat_causes]
    by = [f"By division: {_counts(record.by_division)}", f"By service: {_counts(record.by_service)}"]
    return compose(f"{title}: {record.incidents} outage{'' if record.incidents == 1 else 's'}", [
        header(title), *fields(pairs), *lines(by),
        *lines(["*Repeat causes*", *(repeats or ["None."])]), context(excluded),
    ])  # fmt: skip


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{t.escape(name)} {n}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])) or "—"
