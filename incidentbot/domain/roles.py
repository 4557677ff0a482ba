"""The two roles every incident has, and a pending request to hand one to someone else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    COMMANDER = "commander"
    COMMUNICATOR = "communicator"


@dataclass(frozen=True, slots=True)
class Handoff:
    role: Role
    to: str
    requested_by: str
    requested_at: datetime
    repinged: bool = False
