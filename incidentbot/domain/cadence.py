"""The update cadence: the reminder when an update falls due, the overdue notice half a period later, and
the chase at every period after that while the incident stays silent. Also the postmortem reminder.

Each method records what it did and returns True only when the reminder is owed now and was not given yet,
so a job that runs twice (a retry, a second process) says it once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from incidentbot.domain.policy import Policy
from incidentbot.domain.state import IncidentState
from incidentbot.domain.status import Status
from incidentbot.domain.timeline import BOT, Kind
from incidentbot.durations import format_duration


class CadenceRules(IncidentState):
    def overdue_at(self, policy: Policy) -> datetime | None:
        """When the missing update counts as overdue: half a period after it was due."""
        if not self.is_open or self.next_update_due_at is None:
            return None
        return self.next_update_due_at + policy.overdue_grace(self.severity)

    def next_chase_at(self, policy: Policy) -> datetime | None:
        """After the overdue notice, the silence is chased again every cadence period until an update."""
        overdue = self.overdue_at(policy)
        if overdue is None or not self.overdue_noticed:
            return None
        return overdue + policy.update_interval(self.severity) * (self.overdue_chases + 1)

    def remind_update(self, *, now: datetime) -> bool:
        """Record that the communicator is reminded, once per due time. True if a reminder is owed now."""
        if not self.is_open or self.next_update_due_at is None or now < self.next_update_due_at:
            return False
        if self.update_reminded:
            return False
        self.update_reminded = True
        self._record(now, Kind.UPDATE_DUE, BOT, f"Status update due from {self.communicator}", (self.communicator,))
        return True

    def notice_overdue(self, *, now: datetime, policy: Policy) -> bool:
        overdue = self.overdue_at(policy)
        if overdue is None or self.overdue_noticed or now < overdue:
            return False
        self.overdue_noticed = True
        self._record(now, Kind.UPDATE_OVERDUE, BOT, f"Status update overdue; {self.commander} told", (self.commander,))
        return True

    def chase_update(self, *, now: datetime, policy: Policy) -> bool:
        """Chase a silence that outlasted the overdue notice: once per cadence period, until an update."""
        chase, overdue = self.next_chase_at(policy), self.overdue_at(policy)
        if chase is None or overdue is None or now < chase:
            return False
        # Counted in whole periods since the overdue notice: after a pause (a process down for hours) the
        # silence is chased once, and the next chase is one period on, not a burst of the missed ones.
        self.overdue_chases = (now - overdue) // policy.update_interval(self.severity)
        people = tuple(dict.fromkeys((self.communicator, self.commander)))
        silent = format_duration(_whole(now - self.silent_since))
        text = f"Still no status update after {silent}; {' and '.join(people)} chased"
        self._record(now, Kind.UPDATE_CHASED, BOT, text, people)
        return True

    def remind_postmortem(self, *, now: datetime, policy: Policy, needed: bool = True) -> bool:
        """`needed` is False when every postmortem question has an answer already: nothing is sent."""
        if self.status is not Status.RESOLVED or self.postmortem_reminded or self.resolved_at is None:
            return False
        if now < policy.postmortem_due_at(self.resolved_at):
            return False
        self.postmortem_reminded = True
        if not needed:
            return False
        self._record(now, Kind.POSTMORTEM_REMINDER, BOT, f"Postmortem reminder sent to {self.commander}",
                     (self.commander,))
        return True

    def _stop_clock(self) -> None:
        self.next_update_due_at = None
        self.update_reminded = False
        self.overdue_noticed = False
        self.overdue_chases = 0


def _whole(elapsed: timedelta) -> timedelta:
    """Whole minutes (whole seconds under a minute): how long a silence lasted, as people would say it."""
    unit = timedelta(minutes=1) if elapsed >= timedelta(minutes=1) else timedelta(seconds=1)
    return unit * (elapsed // unit)
