"""Command objects: what a person asked for, parsed and validated, before anything is decided.

`ref` is the incident number the person named (`OUT-12` or `12` → 12), or None to mean "the only open
incident of the channel the command was typed in".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from incidentbot.domain.model import Role, Status


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class OpenDeclareModal:
    """`/outage declare` with no text at all."""


@dataclass(frozen=True, slots=True)
class Declare:
    summary: str
    division: str | None = None
    severity: int = 3
    company_wide: bool = False
    commander: str | None = None
    communicator: str | None = None
    drill: bool = False


@dataclass(frozen=True, slots=True)
class Update:
    text: str
    ref: int | None = None
    status: Status | None = None


@dataclass(frozen=True, slots=True)
class RequestHandoff:
    role: Role
    to: str
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class Ack:
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class Decline:
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class ChangeSeverity:
    severity: int
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class Resolve:
    ref: int | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class Cancel:
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class ListOpen:
    pass


@dataclass(frozen=True, slots=True)
class ShowStatus:
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class ShowTimeline:
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class SetFields:
    """Book-keeping: keys are `impact`, `service`, `root_cause`, `owner_team` (dashes become underscores)."""

    values: dict[str, str] = field(default_factory=dict)
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class Postmortem:
    ref: int | None = None


@dataclass(frozen=True, slots=True)
class SignInLink:
    """`/outage web`: DM the caller a one-time link to the pages."""


@dataclass(frozen=True, slots=True)
class AddAction:
    text: str
    ref: int | None = None
    owner: str | None = None
    due: date | None = None


@dataclass(frozen=True, slots=True)
class ListActions:
    """Every incident's items when `ref` is None."""

    open_only: bool = False
    ref: int | None = None
    mine: bool = False


@dataclass(frozen=True, slots=True)
class DoneAction:
    action_id: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReopenAction:
    action_id: int


@dataclass(frozen=True, slots=True)
class ShowStats:
    days: int = 90
    division: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """`/outage report <what you see>`: anyone tells the triage channel about a problem."""

    text: str


Command = (
    Help
    | OpenDeclareModal
    | Declare
    | Update
    | RequestHandoff
    | Ack
    | Decline
    | Note
    | ChangeSeverity
    | Resolve
    | Cancel
    | ListOpen
    | ShowStatus
    | ShowTimeline
    | SetFields
    | Postmortem
    | SignInLink
    | AddAction
    | ListActions
    | DoneAction
    | ReopenAction
    | ShowStats
    | Report
)
