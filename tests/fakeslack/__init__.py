"""Moved: the fake Slack is now the package's Slack emulator, ``incidentbot.emulator`` (issue 10, the playground).

This re-export only keeps test files written before the move working while branches merge; import from
``incidentbot.emulator`` in new code (the sed in the commit that moved it rewrites old imports).
"""

from incidentbot.emulator import (
    BOT_ID,
    BOT_USER_ID,
    Call,
    Channel,
    Ephemeral,
    FakeSlack,
    Message,
    Rejection,
    User,
    ViewRecord,
)

__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "Call",
    "Channel",
    "Ephemeral",
    "FakeSlack",
    "Message",
    "Rejection",
    "User",
    "ViewRecord",
]
