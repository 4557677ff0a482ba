"""Cadence adherence: was each status update on time, or late and by how much; which due times passed with
no update at all before the resolution (missed, and counted late); the longest silence.

Re-traced from the timeline with the cadence in force at each moment (severity changes move the due time
as the live incident did: one new period after the last update, never in the past).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentbot.domain.policy import Policy
from incidentbot.domain.timeline import Kind, TimelineEvent

_DECLARED_SEV = re.compile(r"SEV([1-4]) declared")
_NEW_SEV = re.compile(r"to SEV([1-4])")


@dataclass(frozen=True, slots=True)
class UpdateTiming:
    """One due time and what answered it: an update (`at`), or nothing before the resolution (missed)."""

    due_at: datetime
    at: datetime | None  # the update, or None when the due time passed with none (missed)
    late_by: timedelta  # zero when on time

    @property
    def on_time(self) -> bool:
        return self.at is not None and self.late_by == timedelta(0)

    @property
    def missed(self) -> bool:
        return self.at is None


@dataclass(frozen=True, slots=True)
class Adherence:
    timings: tuple[UpdateTiming, ...]
    longest_silence: timedelta

    @property
    def on_time(self) -> int:
        return sum(1 for t in self.timings if t.on_time)

    @property
    def late(self) -> int:
        return sum(1 for t in self.timings if not t.on_time)

    @property
    def missed(self) -> int:
        return sum(1 for t in self.timings if t.missed)


def adherence(timeline: Sequence[TimelineEvent], *, policy: Policy, until: datetime) -> Adherence:
    """`until` is the resolution (or cancellation), or now for an open incident: a due time before it with no
    update is missed only once the incident is closed; while open it is simply not answered yet."""
    declared = next((e for e in timeline if e.kind is Kind.DECLARED), None)
    if declared is None:
        return Adherence((), timedelta(0))
    severity = _severity(_DECLARED_SEV, declared.text, 3)
    heard = declared.at
    due = heard + policy.update_interval(severity)
    timings: list[UpdateTiming] = []
    silence = timedelta(0)
    closed = False
    for event in timeline:
        if event.kind is Kind.UPDATE:
            timings.append(UpdateTiming(due, event.at, max(timedelta(0), event.at - due)))
            silence, heard = max(silence, event.at - heard), event.at
            due = event.at + policy.update_interval(severity)
        elif event.kind is Kind.SEVERITY_CHANGED:
            severity = _severity(_NEW_SEV, event.text, severity)
            due = max(event.at, heard + policy.update_interval(severity))
        elif event.kind in (Kind.RESOLVED, Kind.CANCELLED):
            until, closed = event.at, True
            break
    if closed and due < until:
        timings.append(UpdateTiming(due, None, until - due))
    return Adherence(tuple(timings), max(silence, until - heard))


def _severity(pattern: re.Pattern[str], text: str, default: int) -> int:
    match = pattern.search(text)
    return int(match.group(1)) if match else default
