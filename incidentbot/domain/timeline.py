"""Timeline events: the append-only record of everything that happened to an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

BOT = "bot"


class Kind(StrEnum):
    DECLARED = "declared"
    UPDATE = "update"
    STATUS_CHANGED = "status_changed"
    NOTE = "note"
    SEVERITY_CHANGED = "severity_changed"
    SCOPE_CHANGED = "scope_changed"
    FIELDS_SET = "fields_set"
    MILESTONE_SET = "milestone_set"
    ACTION_ADDED = "action_added"
    ACTION_DONE = "action_done"
    ACTION_REOPENED = "action_reopened"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    HANDOFF_REQUESTED = "handoff_requested"
    HANDOFF_REPINGED = "handoff_repinged"
    HANDOFF_ACCEPTED = "handoff_accepted"
    HANDOFF_DECLINED = "handoff_declined"
    HANDOFF_EXPIRED = "handoff_expired"
    HANDOFF_REPLACED = "handoff_replaced"
    HANDOFF_WITHDRAWN = "handoff_withdrawn"
    UPDATE_DUE = "update_due"
    UPDATE_OVERDUE = "update_overdue"
    UPDATE_CHASED = "update_chased"
    POSTMORTEM_REMINDER = "postmortem_reminder"
    DELIVERY_FAILED = "delivery_failed"
    THREAD_MOVED = "thread_moved"
    REPORT_LINKED = "report_linked"
    MESSAGE_PINNED = "message_pinned"
    MESSAGE_UNPINNED = "message_unpinned"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    at: datetime
    kind: Kind
    actor: str
    text: str
    # The user ids the text names (as plain words), for renderers to show as mentions.
    people: tuple[str, ...] = ()
