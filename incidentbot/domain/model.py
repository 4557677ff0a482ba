"""The incident aggregate: its state, the transitions it allows, and the events it records.

Pure Python: nothing here knows about databases, Slack or clocks; `now` is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from incidentbot.domain.errors import InvalidTransition, NotAllowed, NothingToDo
from incidentbot.domain.policy import SEVERITIES, Policy
from incidentbot.domain.timeline import BOT, Kind, TimelineEvent


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING})

# Any open status may go to any other open status or to resolved/cancelled; final states go nowhere
# (reopening is an explicit, separate act).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    **{s: (OPEN_STATUSES - {s}) | {Status.RESOLVED, Status.CANCELLED} for s in OPEN_STATUSES},
    Status.RESOLVED: frozenset(),
    Status.CANCELLED: frozenset(),
}


class Role(StrEnum):
    COMMANDER = "commander"
    COMMUNICATOR = "communicator"


BOOKKEEPING_FIELDS = ("impact", "service", "root_cause", "owner_team")


@dataclass(frozen=True, slots=True)
class Handoff:
    role: Role
    to: str
    requested_by: str
    requested_at: datetime
    repinged: bool = False


@dataclass
class Incident:
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
    last_update_at: datetime | None = None
    last_update_text: str | None = None
    resolution: str | None = None
    impact: str | None = None
    service: str | None = None
    root_cause: str | None = None
    owner_team: str | None = None
    postmortem_reminded: bool = False
    channel_id: str | None = None
    thread_ts: str | None = None
    # How the id is shown (`OUT-12`); configuration, not state.
    id_prefix: str = field(default="OUT", compare=False)
    # Events recorded since the incident was loaded; the store appends them to the timeline.
    events: list[TimelineEvent] = field(default_factory=list, repr=False)

    # ----- declaration ---------------------------------------------------------------------------------

    @classmethod
    def declare(
        cls,
        *,
        summary: str,
        division: str,
        severity: int,
        declared_by: str,
        now: datetime,
        policy: Policy,
        company_wide: bool = False,
        drill: bool = False,
        commander: str | None = None,
        communicator: str | None = None,
        id_prefix: str = "OUT",
    ) -> Incident:
        if severity not in SEVERITIES:
            raise InvalidTransition(f"Severity must be 1, 2, 3 or 4, not {severity}.")
        if not summary.strip():
            raise InvalidTransition("An outage needs a summary: say in a few words what is broken.")
        incident = cls(
            number=None,
            summary=summary.strip(),
            division=division,
            severity=severity,
            status=Status.INVESTIGATING,
            company_wide=company_wide or severity == 1,
            drill=drill,
            declared_by=declared_by,
            declared_at=now,
            commander=declared_by,
            communicator=declared_by,
            next_update_due_at=now + policy.update_interval(severity),
            id_prefix=id_prefix,
        )
        scope = "company-wide" if incident.company_wide else f"division {division}"
        label = "DRILL " if drill else ""
        text = f"{label}SEV{severity} declared ({scope}): {incident.summary}"
        incident._record(now, Kind.DECLARED, declared_by, text)
        wanted_commander = commander or declared_by
        wanted_communicator = communicator or wanted_commander
        if wanted_commander != declared_by:
            incident._add_handoff(Role.COMMANDER, wanted_commander, declared_by, now)
        if wanted_communicator != declared_by:
            incident._add_handoff(Role.COMMUNICATOR, wanted_communicator, declared_by, now)
        return incident

    # ----- queries -------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def holder(self, role: Role) -> str:
        return self.commander if role is Role.COMMANDER else self.communicator

    def pending_for(self, user: str) -> list[Handoff]:
        return [h for h in self.pending_handoffs if h.to == user]

    def may_manage(self, user: str, admins: frozenset[str] | set[str] = frozenset()) -> bool:
        """Resolve, cancel, severity changes and role requests belong to the people running the incident."""
        return user in {self.commander, self.communicator, self.declared_by} or user in admins

    # ----- commands ------------------------------------------------------------------------------------

    def post_update(
        self, *, text: str, actor: str, now: datetime, policy: Policy, status: Status | None = None
    ) -> None:
        self._require_open("update")
        if not text.strip():
            raise InvalidTransition("An update needs text: say what changed and what happens next.")
        if status is not None and status != self.status:
            self._move_to(status, actor, now)
        self.last_update_at = now
        self.last_update_text = text.strip()
        self._record(now, Kind.UPDATE, actor, self.last_update_text)
        self._plan_next_update(now + policy.update_interval(self.severity))

    def add_note(self, *, text: str, actor: str, now: datetime) -> None:
        if not text.strip():
            raise InvalidTransition("A note needs text.")
        self._record(now, Kind.NOTE, actor, text.strip())

    def change_severity(
        self, *, severity: int, actor: str, now: datetime, policy: Policy, admins: frozenset[str] = frozenset()
    ) -> None:
        self._require_open("change the severity of")
        self._require_manager(actor, admins, "change the severity")
        if severity not in SEVERITIES:
            raise InvalidTransition(f"Severity must be 1, 2, 3 or 4, not {severity}.")
        if severity == self.severity:
            raise NothingToDo(f"{self._label()} is already SEV{severity}.")
        old = self.severity
        self.severity = severity
        verb = "escalated" if severity < old else "lowered"
        self._record(now, Kind.SEVERITY_CHANGED, actor, f"Severity {verb} from SEV{old} to SEV{severity}")
        if severity == 1 and not self.company_wide:
            self.company_wide = True
            self._record(now, Kind.SCOPE_CHANGED, actor, "Now company-wide (SEV1)")
        # The next update is due one (new) period after the last one, and never in the past.
        base = self.last_update_at or self.declared_at
        self._plan_next_update(max(now, base + policy.update_interval(severity)))

    def set_fields(self, *, values: dict[str, str], actor: str, now: datetime) -> None:
        unknown = set(values) - set(BOOKKEEPING_FIELDS)
        if unknown:
            raise InvalidTransition(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        if not values:
            raise InvalidTransition("Nothing to set: give at least one of impact=, service=, root-cause=, owner-team=.")
        for name, value in values.items():
            setattr(self, name, value.strip() or None)
        listed = ", ".join(f"{name.replace('_', '-')}={value.strip()}" for name, value in values.items())
        self._record(now, Kind.FIELDS_SET, actor, listed)

    def resolve(
        self, *, actor: str, now: datetime, summary: str | None = None, admins: frozenset[str] = frozenset()
    ) -> None:
        if self.status is Status.RESOLVED:
            raise NothingToDo(f"{self._label()} is already resolved.")
        self._require_open("resolve")
        self._require_manager(actor, admins, "resolve it")
        self._move_to(Status.RESOLVED, actor, now, record=False)
        self.resolved_at = now
        self.resolution = (summary or "").strip() or None
        self._stop_clock(actor, now)
        self._record(now, Kind.RESOLVED, actor, self.resolution or "Resolved")

    def cancel(self, *, actor: str, now: datetime, admins: frozenset[str] = frozenset()) -> None:
        if self.status is Status.CANCELLED:
            raise NothingToDo(f"{self._label()} is already cancelled.")
        self._require_open("cancel")
        self._require_manager(actor, admins, "cancel it")
        self._move_to(Status.CANCELLED, actor, now, record=False)
        self.resolved_at = now
        self._stop_clock(actor, now)
        self._record(now, Kind.CANCELLED, actor, "Cancelled: declared in error")

    # ----- roles and handoffs --------------------------------------------------------------------------

    def request_handoff(
        self, *, role: Role, to: str, actor: str, now: datetime, admins: frozenset[str] = frozenset()
    ) -> Handoff:
        self._require_open("hand off a role of")
        self._require_manager(actor, admins, f"hand off the {role} role")
        if self.holder(role) == to:
            raise NothingToDo(f"<@{to}> is already the {role} of {self._label()}.")
        pending = self._pending(role)
        if pending is not None and pending.to == to:
            raise NothingToDo(f"A {role} handoff to <@{to}> is already waiting for their answer.")
        return self._add_handoff(role, to, actor, now)

    def accept_handoff(self, *, user: str, now: datetime, role: Role | None = None) -> list[Handoff]:
        accepted = self._answerable(user, role, "accept")
        for handoff in accepted:
            self.pending_handoffs.remove(handoff)
            previous = self.holder(handoff.role)
            if handoff.role is Role.COMMANDER:
                self.commander = user
            else:
                self.communicator = user
            text = f"<@{user}> accepted the {handoff.role} role from <@{previous}>"
            self._record(now, Kind.HANDOFF_ACCEPTED, user, text)
        return accepted

    def decline_handoff(self, *, user: str, now: datetime, role: Role | None = None) -> list[Handoff]:
        declined = self._answerable(user, role, "decline")
        for handoff in declined:
            self.pending_handoffs.remove(handoff)
            self._record(now, Kind.HANDOFF_DECLINED, user, f"<@{user}> declined the {handoff.role} role")
        return declined

    def reping_handoff(self, *, role: Role, now: datetime, policy: Policy | None = None) -> Handoff | None:
        """Remind the target once, half-way through the timeout. None when no reminder is owed now."""
        policy = policy or Policy()
        handoff = self._pending(role)
        if handoff is None or handoff.repinged or not self.is_open:
            return None
        if now < handoff.requested_at + policy.handoff_timeout / 2:
            return None
        updated = replace(handoff, repinged=True)
        self.pending_handoffs[self.pending_handoffs.index(handoff)] = updated
        self._record(now, Kind.HANDOFF_REPINGED, BOT, f"Reminded <@{handoff.to}> of the pending {role} handoff")
        return updated

    def expire_handoff(self, *, role: Role, now: datetime, policy: Policy) -> Handoff | None:
        handoff = self._pending(role)
        if handoff is None or now < handoff.requested_at + policy.handoff_timeout:
            return None
        self.pending_handoffs.remove(handoff)
        text = f"No answer from <@{handoff.to}>: the {role} role stays with <@{self.holder(role)}>"
        self._record(now, Kind.HANDOFF_EXPIRED, BOT, text)
        return handoff

    # ----- update reminders ----------------------------------------------------------------------------

    def remind_update(self, *, now: datetime) -> bool:
        """Record that the communicator is reminded, once per due time. True if a reminder is owed now."""
        if not self.is_open or self.next_update_due_at is None or now < self.next_update_due_at:
            return False
        if self.update_reminded:
            return False
        self.update_reminded = True
        self._record(now, Kind.UPDATE_DUE, BOT, f"Status update due from <@{self.communicator}>")
        return True

    def remind_postmortem(self, *, now: datetime, policy: Policy) -> bool:
        if self.status is not Status.RESOLVED or self.postmortem_reminded or self.resolved_at is None:
            return False
        if now < policy.postmortem_due_at(self.resolved_at):
            return False
        self.postmortem_reminded = True
        self._record(now, Kind.POSTMORTEM_REMINDER, BOT, f"Postmortem reminder sent to <@{self.commander}>")
        return True

    def notice_overdue(self, *, now: datetime, policy: Policy) -> bool:
        if not self.is_open or self.next_update_due_at is None or self.overdue_noticed:
            return False
        if now < self.next_update_due_at + policy.overdue_grace(self.severity):
            return False
        self.overdue_noticed = True
        self._record(now, Kind.UPDATE_OVERDUE, BOT, f"Status update overdue; <@{self.commander}> told")
        return True

    # ----- internals -----------------------------------------------------------------------------------

    @property
    def label(self) -> str:
        return f"{self.id_prefix}-{self.number}" if self.number is not None else "this outage"

    def _label(self) -> str:
        return self.label

    def _record(self, at: datetime, kind: Kind, actor: str, text: str) -> None:
        self.events.append(TimelineEvent(at=at, kind=kind, actor=actor, text=text))

    def _require_open(self, verb: str) -> None:
        if not self.is_open:
            raise InvalidTransition(f"Cannot {verb} {self._label()}: it is {self.status}.")

    def _require_manager(self, actor: str, admins: frozenset[str], what: str) -> None:
        if not self.may_manage(actor, admins):
            raise NotAllowed(
                f"Only the commander (<@{self.commander}>), the communicator (<@{self.communicator}>), "
                f"the declarer (<@{self.declared_by}>) or an admin may {what}."
            )

    def _move_to(self, status: Status, actor: str, now: datetime, *, record: bool = True) -> None:
        if status not in TRANSITIONS[self.status]:
            raise InvalidTransition(f"Cannot move {self._label()} from {self.status} to {status}.")
        old, self.status = self.status, status
        if record:
            self._record(now, Kind.STATUS_CHANGED, actor, f"Status {old} → {status}")

    def _plan_next_update(self, due: datetime) -> None:
        self.next_update_due_at = due
        self.update_reminded = False
        self.overdue_noticed = False

    def _stop_clock(self, actor: str, now: datetime) -> None:
        self.next_update_due_at = None
        self.update_reminded = False
        self.overdue_noticed = False
        for handoff in self.pending_handoffs:
            text = f"The pending {handoff.role} handoff to <@{handoff.to}> was withdrawn: the outage is {self.status}"
            self._record(now, Kind.HANDOFF_WITHDRAWN, actor, text)
        self.pending_handoffs.clear()

    def _pending(self, role: Role) -> Handoff | None:
        return next((h for h in self.pending_handoffs if h.role is role), None)

    def _add_handoff(self, role: Role, to: str, actor: str, now: datetime) -> Handoff:
        replaced = self._pending(role)
        if replaced is not None:
            self.pending_handoffs.remove(replaced)
            text = f"The pending {role} handoff to <@{replaced.to}> was withdrawn"
            self._record(now, Kind.HANDOFF_REPLACED, actor, text)
        handoff = Handoff(role=role, to=to, requested_by=actor, requested_at=now)
        self.pending_handoffs.append(handoff)
        self._record(now, Kind.HANDOFF_REQUESTED, actor, f"{role.capitalize()} handoff to <@{to}> pending their answer")
        return handoff

    def _answerable(self, user: str, role: Role | None, verb: str) -> list[Handoff]:
        if not self.is_open:
            raise InvalidTransition(f"{self._label()} is {self.status}; there is no handoff to {verb}.")
        mine = [h for h in self.pending_for(user) if role is None or h.role is role]
        if mine:
            return mine
        others = [h for h in self.pending_handoffs if h.to != user]
        waiting = ", ".join(f"{h.role} → <@{h.to}>" for h in others)
        held = [str(r) for r in Role if self.holder(r) == user and (role is None or r is role)]
        if held:
            # A second click, a Slack retry or a repeated `ack`: the answer already counted.
            still = f" Still waiting for: {waiting} (only they can {verb} it)." if others else ""
            raise NothingToDo(f"You are already the {' and '.join(held)} of {self._label()}: nothing changed.{still}")
        if others and len(others) == len(self.pending_handoffs):
            raise NotAllowed(f"Only the person a handoff is addressed to can {verb} it (pending: {waiting}).")
        which = f"{role} " if role is not None else ""
        raise NothingToDo(f"There is no pending {which}handoff on {self._label()} for you to {verb}.")
