"""How people write an incident's ID: `OUT-12` or `12` (the prefix in any case), for commands, the CLI and URLs."""

from __future__ import annotations

import re

MAX_ID_DIGITS = 12  # longer numbers name no incident (the database's integer ends long before)


def id_digits(text: str, prefix: str) -> str | None:
    """The digits of `text` when it is written as an incident ID, else None. The number itself is not checked:
    `OUT-0` looks like an ID (so a command can say it is not a valid one) but names no incident."""
    match = re.fullmatch(rf"(?:{re.escape(prefix)}-)?([0-9]+)", text, flags=re.IGNORECASE)
    return match.group(1) if match else None


def parse_id(text: str, prefix: str) -> int | None:
    """The incident number that `text` names (surrounding spaces ignored), or None when it names none."""
    digits = id_digits(text.strip(), prefix)
    if digits is None or len(digits) > MAX_ID_DIGITS or int(digits) < 1:
        return None
    return int(digits)
