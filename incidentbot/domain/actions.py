"""Action items (`A-<n>`): follow-ups that outlive the incident, chased until closed.

Pure rules with time passed in: what a due date may be, who may reopen, when the owner is reminded.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from incidentbot.domain.errors import InvalidTransition, NotAllowed, NothingToDo

ACTION_PREFIX = "A"
WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: int | None
    incident_number: int
    text: str
    owner: str | None
    due: date | None
    created_by: str
    created_at: datetime
    done_at: datetime | None = None
    done_by: str | None = None
    done_note: str | None = None

    @property
    def label(self) -> str:
        return f"{ACTION_PREFIX}-{self.id}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def overdue_on(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today

    def close(self, *, actor: str, now: datetime, note: str | None) -> ActionItem:
        if not self.is_open:
            raise NothingToDo(f"{self.label} is already done.")
        return replace(self, done_at=now, done_by=actor, done_note=(note or "").strip() or None)

    def reopen(self, *, actor: str, commander: str, admins: Set[str]) -> ActionItem:
        if self.is_open:
            raise NothingToDo(f"{self.label} is open already.")
        if actor not in {self.owner, commander} and actor not in admins:
            owner = f"its owner (<@{self.owner}>), " if self.owner else ""
            raise NotAllowed(f"Only {owner}the incident's commander (<@{commander}>) or an admin may reopen "
                             f"{self.label}.")
        return replace(self, done_at=None, done_by=None, done_note=None)


def new_action(
    *, incident_number: int, text: str, owner: str | None, due: date | None, actor: str, now: datetime,
    tz: tzinfo,
) -> ActionItem:  # fmt: skip
    if not text.strip():
        raise InvalidTransition("An action item needs text: what should be done to prevent a recurrence?")
    today = now.astimezone(tz).date()
    if due is not None and due < today:
        raise InvalidTransition(f"The due date {due.isoformat()} has passed: give today ({today.isoformat()}) "
                                "or a later date.")
    return ActionItem(id=None, incident_number=incident_number, text=text.strip(), owner=owner, due=due,
                      created_by=actor, created_at=now)


def action_number(text: str) -> int | None:
    """`A-7`, `a-7` or `7` → 7; None for anything else."""
    body = text.strip()
    if body[:2].upper() == f"{ACTION_PREFIX}-":
        body = body[2:]
    return int(body) if body.isascii() and body.isdigit() and len(body) <= 10 and int(body) > 0 else None


def reminder_at(item: ActionItem, *, now: datetime, at: time, tz: tzinfo) -> datetime | None:
    """When the owner is next told: at `at` local on the due day, then weekly while it stays open."""
    if not item.is_open or item.owner is None or item.due is None:
        return None
    moment = datetime.combine(item.due, at, tzinfo=tz)
    while moment <= now:
        moment = datetime.combine(moment.date() + WEEK, at, tzinfo=tz)
    return moment.astimezone(UTC)


def next_weekly(now: datetime, *, weekday: int, at: time, tz: tzinfo) -> datetime:
    """The next moment strictly after `now` when the local clock in `tz` shows `weekday` (Monday 0) at `at`."""
    local = now.astimezone(tz)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        candidate = datetime.combine(day, at, tzinfo=tz)
        if day.weekday() == weekday and candidate > local:
            return candidate.astimezone(UTC)
    raise AssertionError("unreachable: a weekday recurs within eight days")
