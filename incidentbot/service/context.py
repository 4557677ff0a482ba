"""What every handler is given: configuration, the clock, a way to open a unit of work, and who is asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from incidentbot.domain.model import Incident
from incidentbot.domain.policy import Policy
from incidentbot.store.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from incidentbot.config import BotConfig


@dataclass(frozen=True)
class Context:
    config: BotConfig
    clock: Callable[[], datetime]
    new_uow: Callable[[], UnitOfWork]
    read_uow: Callable[[], UnitOfWork]
    # Names this process has lately found in the database, by user id, with when (service/people.py).
    names_seen: dict[str, tuple[str, float]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def policy(self) -> Policy:
        return self.config.policy()

    @property
    def admins(self) -> frozenset[str]:
        return self.config.admin_ids


@dataclass(frozen=True)
class Caller:
    """The person behind a request and where they typed it."""

    user_id: str
    channel_id: str | None = None
    channel_name: str | None = None


@dataclass(frozen=True)
class Reply:
    """The answer shown to the person who asked (ephemeral), already rendered."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


class Refused(Exception):
    """The request cannot be carried out; nothing was written. Carries what to tell the person."""

    def __init__(self, message: str, *, usage: str | None = None, candidates: list[Incident] | None = None,
                 more: int = 0) -> None:  # fmt: skip
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.candidates = candidates
        self.more = more  # candidates there are beyond those named
