"""Who may do what to an incident.

Resolve, cancel, severity changes and role handoffs belong to the people running the incident (its
commander, communicator and declarer) and to the configured admins. Only the person a handoff is addressed
to may accept or decline it (see `handoff.py`). Anyone may post updates and notes.
"""

from __future__ import annotations

from collections.abc import Set

from incidentbot.domain.errors import NotAllowed


def may_manage(user: str, *, commander: str, communicator: str, declared_by: str, admins: Set[str]) -> bool:
    return user in {commander, communicator, declared_by} or user in admins


def refuse_manage(*, commander: str, communicator: str, declared_by: str, what: str) -> NotAllowed:
    return NotAllowed(
        f"Only the commander (<@{commander}>), the communicator (<@{communicator}>), "
        f"the declarer (<@{declared_by}>) or an admin may {what}."
    )


def may_answer(user: str, addressed_to: str) -> bool:
    """A handoff is a handshake with one person: nobody answers it on their behalf."""
    return user == addressed_to
