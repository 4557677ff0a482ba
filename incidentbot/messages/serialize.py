"""The JSON shape of an incident: a contract (PRODUCT.md "Interfaces"), so field names never change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from incidentbot.domain.actions import ActionItem
from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import TimelineEvent


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def incident_json(incident: Incident, *, public_url: str) -> dict[str, Any]:
    return {
        "id": incident.label,
        "number": incident.number,
        "summary": incident.summary,
        "division": incident.division,
        "severity": incident.severity,
        "status": str(incident.status),
        "company_wide": incident.company_wide,
        "drill": incident.drill,
        "declared_by": incident.declared_by,
        "declared_at": iso(incident.declared_at),
        "resolved_at": iso(incident.resolved_at),
        "commander": incident.commander,
        "communicator": incident.communicator,
        "pending_handoffs": [
            {"role": str(h.role), "to": h.to, "requested_by": h.requested_by, "requested_at": iso(h.requested_at)}
            for h in incident.pending_handoffs
        ],
        "next_update_due_at": iso(incident.next_update_due_at),
        "last_update_at": iso(incident.last_update_at),
        "channel_id": incident.channel_id,
        "thread_ts": incident.thread_ts,
        "impact": incident.impact,
        "service": incident.service,
        "root_cause": incident.root_cause,
        "owner_team": incident.owner_team,
        "cause": incident.cause,
        "started_at": iso(incident.started_at or incident.declared_at),
        "detected_at": iso(incident.detected_at or incident.declared_at),
        "mitigated_at": iso(incident.mitigated_at),
        "resolution": incident.resolution,
        "url": f"{public_url}/incidents/{incident.label}",
    }


def timeline_json(events: list[TimelineEvent]) -> list[dict[str, Any]]:
    return [{"at": iso(e.at), "kind": str(e.kind), "actor": e.actor, "text": e.text} for e in events]


def action_json(item: ActionItem, *, incident_label: str | None = None) -> dict[str, Any]:
    """`{id, text, owner, due, done_at}` on an incident; with `incident_label`, the `/api/actions` shape."""
    data: dict[str, Any] = {"id": item.label, "text": item.text, "owner": item.owner,
                            "due": item.due.isoformat() if item.due else None, "done_at": iso(item.done_at)}
    if incident_label is not None:
        data.update(incident=incident_label, created_by=item.created_by, created_at=iso(item.created_at))
    return data
