"""What a severity, a status name and a division name may be: decided once, here, for every surface.

Each check answers a question (is this valid? which value is meant?); the surfaces word the refusal for the
person in front of them (a parser names the flag, a form names the field).
"""

from __future__ import annotations

import re

from incidentbot.domain.errors import InvalidTransition
from incidentbot.domain.policy import SEVERITIES
from incidentbot.domain.status import UPDATE_STATUSES, Status

DIVISION_LIMIT = 60

_SEVERITY = re.compile(r"(?:sev-?)?([0-9]+)", re.IGNORECASE)
_DIVISION = re.compile(r"[A-Za-z0-9_-]+")


def severity_named(text: str) -> int | None:
    """The severity `text` names (`2`, `02`, `sev2`, `SEV-2`), or None when it names none of SEV1…SEV4."""
    match = _SEVERITY.fullmatch(text)
    digits = match.group(1).lstrip("0") if match else ""
    return int(digits) if digits in {str(s) for s in SEVERITIES} else None


def require_severity(severity: int) -> None:
    if severity not in SEVERITIES:
        raise InvalidTransition(f"Severity must be 1, 2, 3 or 4, not {severity}.")


def update_status_named(text: str) -> Status | None:
    """The status an update may move to (`--status`), named in any case; None for any other word."""
    lowered = text.lower()
    return next((s for s in UPDATE_STATUSES if s == lowered), None)


def division_name_has_bad_characters(name: str) -> bool:
    """Division names are one word of letters, digits, `-` and `_` (they become channel names)."""
    return _DIVISION.fullmatch(name) is None


def division_name_too_long(name: str) -> bool:
    return len(name) > DIVISION_LIMIT


def is_division_name(name: str) -> bool:
    return not division_name_has_bad_characters(name) and not division_name_too_long(name)


def is_known_division(name: str, known: tuple[str, ...] | None) -> bool:
    """Any well-formed name when no divisions are configured (`known` is None), else one of them."""
    return known is None or name in known
