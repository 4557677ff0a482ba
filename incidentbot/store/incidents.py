"""The incident repository: loads and saves the aggregate and appends its new timeline events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Text, bindparam, case, cast, func, insert, or_, select, update

from incidentbot.domain.model import OPEN_STATUSES, Handoff, Incident, Role, Status
from incidentbot.domain.timeline import Kind, TimelineEvent
from incidentbot.store.database import for_update
from incidentbot.store.tables import incidents, timeline_events

_OPEN = sorted(str(s) for s in OPEN_STATUSES)

_STATE_COLUMNS = (
    "summary", "division", "severity", "company_wide", "drill", "declared_by", "declared_at", "resolved_at",
    "commander", "communicator", "next_update_due_at", "update_reminded", "overdue_noticed", "overdue_chases",
    "postmortem_reminded", "last_update_at", "last_update_text", "resolution", "impact", "service",
    "root_cause", "owner_team", "channel_id", "thread_ts", "cause", "started_at", "detected_at", "mitigated_at",
)  # fmt: skip


# Built once, values passed at execution: every command saves an incident, and building the statement with
# its thirty values each time cost more than running it.
_ADD = insert(incidents).returning(incidents.c.number)
_SAVE = update(incidents).where(incidents.c.number == bindparam("saved_number"))
_EVENTS = insert(timeline_events)


class IncidentRepository:
    def __init__(self, conn: Connection, *, id_prefix: str = "OUT") -> None:
        self._conn = conn
        self._prefix = id_prefix

    def add(self, incident: Incident, *, origin_channel_id: str | None = None) -> int:
        values = _to_row(incident)
        values["origin_channel_id"] = origin_channel_id
        number = self._conn.execute(_ADD, values).scalar_one()
        incident.number = int(number)
        self._append_events(incident)
        return incident.number

    def get(self, number: int, *, lock: bool = False) -> Incident | None:
        stmt = select(incidents).where(incidents.c.number == number)
        if lock:
            stmt = for_update(stmt, self._conn.dialect.name)
        row = self._conn.execute(stmt).mappings().first()
        return self._from_row(row) if row else None

    def save(self, incident: Incident) -> None:
        assert incident.number is not None, "save() is for incidents that were added"
        self._conn.execute(_SAVE, {**_to_row(incident), "saved_number": incident.number})
        self._append_events(incident)

    def first_open(
        self, limit: int, *, division: str | None = None, worst_first: bool = False
    ) -> tuple[list[Incident], int]:
        """The first `limit` open incidents (of `division`; in the order declared, or worst first) and how many
        are open in all."""
        where: list[Any] = [incidents.c.status.in_(_OPEN)]
        if division is not None:
            where.append(incidents.c.division == division)
        order = [incidents.c.severity, incidents.c.number] if worst_first else [incidents.c.number]
        return self._first_and_count(where, order, limit)

    def involving(self, user: str, limit: int) -> tuple[list[Incident], int]:
        """The first `limit` open incidents where `user` holds a role or is asked to take one (those waiting
        for their answer first, then in the order declared), and how many there are in all."""
        asked = _asked(user)
        part = or_(incidents.c.commander == user, incidents.c.communicator == user, asked)
        return self._first_and_count([incidents.c.status.in_(_OPEN), part],
                                     [case((asked, 0), else_=1), incidents.c.number], limit)

    def asking(self, user: str, limit: int) -> tuple[list[Incident], int]:
        """The first `limit` open incidents with a handoff waiting for `user`'s answer, and how many in all."""
        return self._first_and_count([incidents.c.status.in_(_OPEN), _asked(user)], [incidents.c.number], limit)

    def open_in_channel(
        self, channel_id: str, *, limit: int, thread_ts: str | None = None, number: int | None = None
    ) -> list[Incident]:
        """The first `limit` open incidents posted in `channel_id` (only the one whose thread is `thread_ts`,
        or only `number`, when given), in the order declared."""
        stmt = select(incidents).where(incidents.c.status.in_(_OPEN), incidents.c.channel_id == channel_id)
        if thread_ts is not None:
            stmt = stmt.where(incidents.c.thread_ts == thread_ts)
        if number is not None:
            stmt = stmt.where(incidents.c.number == number)
        rows = self._conn.execute(stmt.order_by(incidents.c.number).limit(limit)).mappings()
        return [self._from_row(r) for r in rows]

    def worst_open_outages(self, limit: int) -> tuple[list[Incident], int]:
        """The `limit` worst open incidents the company channel hears of (drills never), by severity then in the
        order declared, and how many there are in all."""
        return self._first_and_count([incidents.c.status.in_(_OPEN), incidents.c.drill.is_(False)],
                                     [incidents.c.severity, incidents.c.number], limit)

    def _first_and_count(self, where: list[Any], order: list[Any], limit: int) -> tuple[list[Incident], int]:
        """The first `limit` incidents matching `where` in `order`, and how many match in all: counted only when
        there may be more than were read (a thousand may be open), so a short list costs one statement."""
        stmt = select(incidents).where(*where).order_by(*order).limit(limit)
        shown = [self._from_row(r) for r in self._conn.execute(stmt).mappings()]
        if len(shown) < limit:
            return shown, len(shown)
        return shown, int(self._conn.execute(select(func.count()).select_from(incidents).where(*where)).scalar_one())

    def newest(self, *, open_only: bool = False, limit: int = 100, offset: int = 0) -> list[Incident]:
        stmt = select(incidents)
        if open_only:
            stmt = stmt.where(incidents.c.status.in_(_OPEN))
        stmt = stmt.order_by(incidents.c.number.desc()).limit(limit).offset(offset)
        return [self._from_row(r) for r in self._conn.execute(stmt).mappings()]

    def between(self, start: datetime, end: datetime) -> list[Incident]:
        """Incidents declared or closed in [start, end)."""
        declared = incidents.c.declared_at.between(start, end)
        closed = incidents.c.resolved_at.between(start, end)
        stmt = select(incidents).where(declared | closed).order_by(incidents.c.number)
        return [self._from_row(r) for r in self._conn.execute(stmt).mappings()]

    def declared_since(self, start: datetime) -> list[Incident]:
        stmt = select(incidents).where(incidents.c.declared_at >= start).order_by(incidents.c.number)
        return [self._from_row(r) for r in self._conn.execute(stmt).mappings()]

    def timeline(self, number: int) -> list[TimelineEvent]:
        return [event for _, event in self.timeline_page(number)]

    def timeline_page(self, number: int, *, limit: int | None = None,
                      before: int | None = None) -> list[tuple[int, TimelineEvent]]:
        """(event id, event) in time order: all of them, or the `limit` newest before event id `before`."""
        stmt = select(timeline_events).where(timeline_events.c.incident_number == number)
        if before is not None:
            stmt = stmt.where(timeline_events.c.id < before)
        if limit is not None:  # the newest `limit`, read backwards along the index, then put in time order
            stmt = stmt.order_by(timeline_events.c.id.desc()).limit(limit)
        else:
            stmt = stmt.order_by(timeline_events.c.id)
        page = [(int(r.id), TimelineEvent(at=r.at, kind=Kind(r.kind), actor=r.actor, text=r.text,
                                           people=tuple((r.people or "").split())))
                for r in self._conn.execute(stmt).all()]  # fmt: skip
        return page[::-1] if limit is not None else page

    def record(self, number: int, event: TimelineEvent) -> None:
        """Append an event that does not change the incident (e.g. a delivery failure)."""
        self._conn.execute(insert(timeline_events).values(_event_row(number, event)))

    def set_thread(self, number: int, *, channel_id: str, thread_ts: str) -> None:
        self._conn.execute(
            update(incidents).where(incidents.c.number == number).values(channel_id=channel_id, thread_ts=thread_ts)
        )

    def thread_of(self, number: int) -> tuple[str | None, str | None]:
        row = self._conn.execute(
            select(incidents.c.channel_id, incidents.c.thread_ts).where(incidents.c.number == number)
        ).first()
        return (row.channel_id, row.thread_ts) if row else (None, None)

    def _append_events(self, incident: Incident) -> None:
        if incident.events:
            assert incident.number is not None
            number = incident.number
            self._conn.execute(_EVENTS, [_event_row(number, e) for e in incident.events])
            incident.events.clear()

    def _from_row(self, row: RowMapping) -> Incident:
        values: dict[str, Any] = {name: row[name] for name in _STATE_COLUMNS}
        return Incident(
            number=int(row["number"]),
            status=Status(row["status"]),
            pending_handoffs=[_handoff_from_json(h) for h in row["pending_handoffs"] or []],
            id_prefix=self._prefix,
            **values,
        )


def _asked(user: str) -> Any:
    """The incident has a handoff waiting for `user`: a handoff is stored as JSON ({"role": ..., "to": "U123",
    ...}), whose text names the person asked."""
    return cast(incidents.c.pending_handoffs, Text).contains(f'"to": "{user}"', autoescape=True)


def _to_row(incident: Incident) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(incident, name) for name in _STATE_COLUMNS}
    row["status"] = str(incident.status)
    row["pending_handoffs"] = [_handoff_to_json(h) for h in incident.pending_handoffs]
    return row


def _event_row(number: int, event: TimelineEvent) -> dict[str, Any]:
    return {"incident_number": number, "at": event.at, "kind": str(event.kind), "actor": event.actor,
            "text": event.text, "people": " ".join(event.people) or None}


def _handoff_to_json(handoff: Handoff) -> dict[str, Any]:
    return {"role": str(handoff.role), "to": handoff.to, "requested_by": handoff.requested_by,
            "requested_at": handoff.requested_at.isoformat(), "repinged": handoff.repinged}


def _handoff_from_json(data: dict[str, Any]) -> Handoff:
    return Handoff(role=Role(data["role"]), to=data["to"], requested_by=data["requested_by"],
                   requested_at=datetime.fromisoformat(data["requested_at"]), repinged=bool(data.get("repinged")))
