"""Who held each role from when to when, and how each handoff went: derived from the timeline alone.

Pure functions of the events (and `until`, the end of the record: the resolution, or now while open).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.domain.roles import Role
from incidentbot.domain.timeline import Kind, TimelineEvent

_ROLE = re.compile(r"\b(commander|communicator)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Tenure:
    role: Role
    user: str
    start: datetime
    end: datetime

    @property
    def held(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    """One request to hand a role over and how it ended: accepted, declined, expired, replaced, withdrawn or
    (still) pending."""

    role: Role
    to: str
    requested_by: str
    requested_at: datetime
    outcome: str
    answered_at: datetime | None = None

    @property
    def wait(self) -> timedelta | None:
        """Request to answer (accept or decline); None while unanswered or when nobody answered."""
        return self.answered_at - self.requested_at if self.answered_at else None


_ENDINGS = {
    Kind.HANDOFF_ACCEPTED: "accepted",
    Kind.HANDOFF_DECLINED: "declined",
    Kind.HANDOFF_EXPIRED: "expired",
    Kind.HANDOFF_REPLACED: "replaced",
    Kind.HANDOFF_WITHDRAWN: "withdrawn",
}


def role_in(text: str) -> Role | None:
    match = _ROLE.search(text)
    return Role(match.group(1).lower()) if match else None


def role_tenures(timeline: Sequence[TimelineEvent], *, until: datetime) -> list[Tenure]:
    """Every stretch a person held a role, in the order they began; the declarer holds both at first."""
    declared = next((e for e in timeline if e.kind is Kind.DECLARED), None)
    if declared is None:
        return []
    current = {role: (declared.actor, declared.at) for role in Role}
    done: list[Tenure] = []
    for event in timeline:
        role = role_in(event.text) if event.kind is Kind.HANDOFF_ACCEPTED else None
        if role is None:
            continue
        user, start = current[role]
        done.append(Tenure(role, user, start, event.at))
        current[role] = (event.actor, event.at)
    done += [Tenure(role, user, start, max(start, until)) for role, (user, start) in current.items()]
    return sorted(done, key=lambda t: (t.start, list(Role).index(t.role)))


def handoff_records(timeline: Sequence[TimelineEvent]) -> list[HandoffRecord]:
    """Each handoff request with its outcome, in the order requested."""
    records: list[HandoffRecord] = []
    open_by_role: dict[Role, int] = {}
    for event in timeline:
        role = role_in(event.text)
        if role is None:
            continue
        if event.kind is Kind.HANDOFF_REQUESTED:
            to = event.people[0] if event.people else ""
            open_by_role[role] = len(records)
            records.append(HandoffRecord(role, to, event.actor, event.at, "pending"))
        elif event.kind in _ENDINGS and role in open_by_role:
            index = open_by_role.pop(role)
            answered = event.at if event.kind in (Kind.HANDOFF_ACCEPTED, Kind.HANDOFF_DECLINED) else None
            old = records[index]
            records[index] = HandoffRecord(old.role, old.to, old.requested_by, old.requested_at,
                                           _ENDINGS[event.kind], answered)  # fmt: skip
    return records
