"""The incident's state, the questions it answers, and the bookkeeping every rule shares.

`Incident` (incident.py) adds the commands; handoff.py and cadence.py add the handoff and reminder rules.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from datetime import datetime

from incidentbot.domain import access
from incidentbot.domain.errors import InvalidTransition
from incidentbot.domain.roles import Handoff, Role
from incidentbot.domain.status import TRANSITIONS, Status
from incidentbot.domain.timeline import Kind, TimelineEvent


@dataclass
class IncidentState:
    number: int | None
    summary: str
    division: str
    severity: int
    status: Status
    company_wide: bool
    drill: bool
    declared_by: str
    declared_at: datetime
    commander: str
    communicator: str
    resolved_at: datetime | None = None
    pending_handoffs: list[Handoff] = field(default_factory=list)
    next_update_due_at: datetime | None = None
    update_reminded: bool = False
    overdue_noticed: bool = False
    # Chases after the overdue notice while the incident stays silent (one per cadence period).
    overdue_chases: int = 0
    last_update_at: datetime | None = None
    last_update_text: str | None = None
    resolution: str | None = None
    impact: str | None = None
    service: str | None = None
    root_cause: str | None = None
    owner_team: str | None = None
    cause: str | None = None
    # Milestones (PRODUCT.md "After the outage"); started and detected default to the declaration.
    started_at: datetime | None = None
    detected_at: datetime | None = None
    mitigated_at: datetime | None = None
    postmortem_reminded: bool = False
    channel_id: str | None = None
    thread_ts: str | None = None
    # How the id is shown (`OUT-12`); configuration, not state.
    id_prefix: str = field(default="OUT", compare=False)
    # Events recorded since the incident was loaded; the store appends them to the timeline.
    events: list[TimelineEvent] = field(default_factory=list, repr=False)

    # ----- queries -------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def label(self) -> str:
        return f"{self.id_prefix}-{self.number}" if self.number is not None else "this outage"

    @property
    def in_company_channel(self) -> bool:
        """Whether the company channel hears of this incident at all (roll-ups, digests, the record).
        Drills rehearse without alarming the company, and never count."""
        return not self.drill

    @property
    def posts_to_company(self) -> bool:
        """Whether its own posts (announcement, updates, resolution) go to the company channel: a real
        incident that is company-wide (every SEV1 is)."""
        return self.in_company_channel and (self.company_wide or self.severity == 1)

    @property
    def counts_as_outage(self) -> bool:
        """Whether it belongs in the record (digests, statistics): not a drill, not declared in error."""
        return self.in_company_channel and self.status is not Status.CANCELLED

    @property
    def silent_since(self) -> datetime:
        """When stakeholders last heard something: the last update, else the declaration."""
        return self.last_update_at or self.declared_at

    def holder(self, role: Role) -> str:
        return self.commander if role is Role.COMMANDER else self.communicator

    def roles_of(self, user: str) -> list[Role]:
        return [role for role in Role if self.holder(role) == user]

    def pending_for(self, user: str) -> list[Handoff]:
        return [h for h in self.pending_handoffs if h.to == user]

    def may_manage(self, user: str, admins: Set[str] = frozenset()) -> bool:
        """Resolve, cancel, severity changes and role requests belong to the people running the incident."""
        return access.may_manage(user, commander=self.commander, communicator=self.communicator,
                                 declared_by=self.declared_by, admins=admins)

    # ----- shared internals ----------------------------------------------------------------------------

    def _label(self) -> str:
        return self.label

    def _record(self, at: datetime, kind: Kind, actor: str, text: str, people: tuple[str, ...] = ()) -> None:
        """Append an event. Text names people by their plain user id; `people` says which words those are,
        so renderers can turn them into mentions (the domain writes no Slack markup)."""
        self.events.append(TimelineEvent(at=at, kind=kind, actor=actor, text=text, people=people))

    def _require_open(self, verb: str) -> None:
        if not self.is_open:
            raise InvalidTransition(f"Cannot {verb} {self._label()}: it is {self.status}.")

    def _require_manager(self, actor: str, admins: Set[str], what: str) -> None:
        if not self.may_manage(actor, admins):
            raise access.refuse_manage(commander=self.commander, communicator=self.communicator,
                                       declared_by=self.declared_by, what=what)

    def _move_to(self, status: Status, actor: str, now: datetime, *, record: bool = True) -> None:
        if status not in TRANSITIONS[self.status]:
            raise InvalidTransition(f"Cannot move {self._label()} from {self.status} to {status}.")
        old, self.status = self.status, status
        if status is Status.MONITORING and self.mitigated_at is None:
            self.mitigated_at = now
        if record:
            self._record(now, Kind.STATUS_CHANGED, actor, f"Status {old} → {status}")

    def _plan_next_update(self, due: datetime) -> None:
        self.next_update_due_at = due
        self.update_reminded = False
        self.overdue_noticed = False
        self.overdue_chases = 0

    def _pending(self, role: Role) -> Handoff | None:
        return next((h for h in self.pending_handoffs if h.role is role), None)
