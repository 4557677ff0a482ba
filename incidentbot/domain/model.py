"""The domain's names in one place, for code that imports them from here.

Each concept has its own module: status.py (states and the transitions table), roles.py (roles and a
pending handoff), state.py (the incident's state and queries), handoff.py and cadence.py (their rules),
incident.py (the aggregate and its commands), access.py (who may do what), validation.py (what a value may be).
"""

from incidentbot.domain.incident import BOOKKEEPING_FIELDS, Incident
from incidentbot.domain.roles import Handoff, Role
from incidentbot.domain.status import OPEN_STATUSES, TRANSITIONS, UPDATE_STATUSES, Status

__all__ = [
    "BOOKKEEPING_FIELDS",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "UPDATE_STATUSES",
    "Handoff",
    "Incident",
    "Role",
    "Status",
]
