"""Durations as people write them in the configuration: seconds, or strings such as "90s", "15m", "1h30m".

The grammar is deliberately small: one or more ``<number><unit>`` parts, units ``d``, ``h``, ``m`` and ``s``
(days, hours, minutes, seconds), each at most once and largest first; a bare number means seconds.
Anything else ("30 minutes", "15M", "1m1h") is rejected rather than guessed at.
"""

from __future__ import annotations

import math
import re
from datetime import date, time, timedelta

__all__ = ["DURATION_HINT", "describe_value", "format_duration", "parse_duration"]

DURATION_HINT = 'use seconds or a string such as "90s", "15m", "2h"'

_UNIT_SECONDS: dict[str, int] = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_UNIT_ORDER = "dhms"
_NUMBER = r"\d+(?:\.\d+)?"
_PART = re.compile(rf"\s*({_NUMBER})\s*([dhms])")
_BARE_SECONDS = re.compile(rf"{_NUMBER}")


def describe_value(value: object) -> str:
    """How a (bad) configuration value is shown in an error message: the way it looks in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, date | time):
        return value.isoformat()
    return repr(value)


def _not_a_duration(value: object) -> ValueError:
    return ValueError(f"{describe_value(value)} is not a duration ({DURATION_HINT})")


def _seconds_of_string(text: str) -> float | None:
    """Total seconds written in ``text``, or None when it does not follow the grammar."""
    stripped = text.strip()
    if not stripped:
        return None
    if _BARE_SECONDS.fullmatch(stripped):
        return float(stripped)
    total = 0.0
    position = 0
    last_unit = -1
    while position < len(stripped):
        match = _PART.match(stripped, position)
        if match is None:
            return None
        unit_index = _UNIT_ORDER.index(match.group(2))
        if unit_index <= last_unit:  # repeated unit, or smaller before larger ("1m1h")
            return None
        last_unit = unit_index
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    return total


def parse_duration(value: object) -> timedelta:
    """Turn ``value`` (seconds as int/float, a duration string or a timedelta) into a positive timedelta.

    Raises ValueError with a message fit for a person (without the key, which the caller knows), e.g.
    ``"fifteen" is not a duration (use seconds or a string such as "90s", "15m", "2h")``.
    """
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool):  # bool is an int subclass: `sev1 = true` is a mistake, not one second
        raise _not_a_duration(value)
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        parsed = _seconds_of_string(value)
        if parsed is None:
            raise _not_a_duration(value)
        seconds = parsed
    else:
        raise _not_a_duration(value)
    if math.isnan(seconds) or math.isinf(seconds):
        raise _not_a_duration(value)
    if seconds <= 0:
        raise ValueError(f"{describe_value(value)} is not a usable duration: it must be longer than zero")
    if isinstance(value, timedelta):
        return value
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"{describe_value(value)} is too long to be a duration") from None


def format_duration(duration: timedelta) -> str:
    """The inverse of :func:`parse_duration` for display: ``1h30m``, ``15m``, ``2d``, ``45s``.

    Whole seconds are shown; a duration shorter than a second is shown as a decimal (``0.5s``).
    """
    total = duration.total_seconds()
    sign = "-" if total < 0 else ""
    total = abs(total)
    if total < 1:
        return f"{sign}{total:g}s"
    remaining = round(total)
    parts: list[str] = []
    for unit in _UNIT_ORDER:
        size = _UNIT_SECONDS[unit]
        amount, remaining = divmod(remaining, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return sign + "".join(parts)
