"""The incident aggregate: declaration and the commands that move it along, over its state and rules.

Pure Python: nothing here knows about databases, Slack or clocks; `now` is always passed in.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime

from incidentbot.domain.bookkeeping import BOOKKEEPING_FIELDS, BookkeepingRules
from incidentbot.domain.cadence import CadenceRules
from incidentbot.domain.errors import InvalidTransition, NothingToDo
from incidentbot.domain.handoff import HandoffRules
from incidentbot.domain.policy import Policy
from incidentbot.domain.roles import Role
from incidentbot.domain.status import Status
from incidentbot.domain.timeline import Kind
from incidentbot.domain.validation import require_severity

__all__ = ["BOOKKEEPING_FIELDS", "Incident"]


class Incident(HandoffRules, CadenceRules, BookkeepingRules):
    @classmethod
    def declare(
        cls, *, summary: str, division: str, severity: int, declared_by: str, now: datetime, policy: Policy,
        company_wide: bool = False, drill: bool = False, commander: str | None = None,
        communicator: str | None = None, id_prefix: str = "OUT",
    ) -> Incident:  # fmt: skip
        """A new incident, run by the declarer until the people named as commander or communicator accept."""
        require_severity(severity)
        if not summary.strip():
            raise InvalidTransition("An outage needs a summary: say in a few words what is broken.")
        incident = cls(
            number=None, summary=summary.strip(), division=division, severity=severity,
            status=Status.INVESTIGATING, company_wide=company_wide or severity == 1, drill=drill,
            declared_by=declared_by, declared_at=now, commander=declared_by, communicator=declared_by,
            next_update_due_at=now + policy.update_interval(severity), id_prefix=id_prefix,
            started_at=now, detected_at=now,
        )  # fmt: skip
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

    def duties_at_declaration(self) -> dict[str, list[Role]]:
        """Who holds which role right after the declaration, leaving out a role the holder is only handing
        off (the person asked to take it hears of it through the handoff request instead)."""
        handing_off = {h.role for h in self.pending_handoffs}
        held: dict[str, list[Role]] = {}
        for role in Role:
            if role not in handing_off:
                held.setdefault(self.holder(role), []).append(role)
        return held

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
        self, *, severity: int, actor: str, now: datetime, policy: Policy, admins: Set[str] = frozenset()
    ) -> None:
        self._require_open("change the severity of")
        self._require_manager(actor, admins, "change the severity")
        require_severity(severity)
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
        self._plan_next_update(max(now, self.silent_since + policy.update_interval(severity)))

    def check_can_close(self, *, actor: str, admins: Set[str] = frozenset(), cancel: bool = False) -> None:
        """Raise what resolving (or cancelling) would raise now, changing nothing: a confirmation button is
        only offered for a change the incident will then accept."""
        if self.status is (Status.CANCELLED if cancel else Status.RESOLVED):
            raise NothingToDo(f"{self._label()} is already {self.status}.")
        verb = "cancel" if cancel else "resolve"
        self._require_open(verb)
        self._require_manager(actor, admins, f"{verb} it")

    def resolve(self, *, actor: str, now: datetime, summary: str | None = None, admins: Set[str] = frozenset()) -> None:
        self.check_can_close(actor=actor, admins=admins)
        self._move_to(Status.RESOLVED, actor, now, record=False)
        self.resolved_at = now
        self.resolution = (summary or "").strip() or None
        self._close(actor, now)
        self._record(now, Kind.RESOLVED, actor, self.resolution or "Resolved")

    def cancel(self, *, actor: str, now: datetime, admins: Set[str] = frozenset()) -> None:
        self.check_can_close(actor=actor, admins=admins, cancel=True)
        self._move_to(Status.CANCELLED, actor, now, record=False)
        self.resolved_at = now
        self._close(actor, now)
        self._record(now, Kind.CANCELLED, actor, "Cancelled: declared in error")

    def _close(self, actor: str, now: datetime) -> None:
        self._stop_clock()
        self._withdraw_handoffs(actor, now)
