"""The `key=value` book-keeping fields of `/outage set`, with quoted values and the known field names."""

from __future__ import annotations

import re

from incidentbot.domain.bookkeeping import SET_FIELDS
from incidentbot.slack.arguments import Arguments
from incidentbot.slack.tokens import Fail, code
from incidentbot.slack.values import TEXT_LIMIT

_FIELD_NAMES = ", ".join(name.replace("_", "-") for name in SET_FIELDS)
_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)=")
_NEXT_KEY = re.compile(r"\s[A-Za-z][A-Za-z0-9_-]*=")
_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}  # straight and typographic quotes


def field_values(body: str, given: Arguments) -> dict[str, str]:
    """Field name (with `_`) → value for the `key=value` pairs in `body`; at least one is required."""
    if not body:
        raise Fail(
            f"Nothing to set: give at least one of {_FIELD_NAMES} as key=value, e.g. `impact=checkout down`."
        )
    values: dict[str, str] = {}
    position = 0
    while position < len(body):
        if body[position].isspace():
            position += 1
            continue
        key_match = _KEY.match(body, position)
        if key_match is None:
            word = body[position:].split(maxsplit=1)[0]
            raise Fail(
                f"{code(word)} is not a field: write key=value, e.g. `impact=checkout down`. "
                f"The fields are {_FIELD_NAMES}."
            )
        key = key_match.group(1).lower().replace("-", "_")
        if key not in SET_FIELDS:
            raise Fail(
                f"Unknown field {code(key_match.group(1))}: the fields are {_FIELD_NAMES}. "
                "If the `=` belongs to the previous value, put that value in quotes."
            )
        if key in values:
            raise Fail(f"{code(key.replace('_', '-'))} is given twice; give it once.")
        value, position = _field_value(body, key_match.end())
        given.check_length(value, TEXT_LIMIT, key.replace("_", "-"))
        values[key] = value
    return values


def _field_value(body: str, start: int) -> tuple[str, int]:
    """The value starting at `start` and where the next key starts: a quoted value runs to its closing
    quote, an unquoted one up to the next `key=` word."""
    closing = _QUOTES.get(body[start : start + 1])
    if closing is not None:
        end = body.find(closing, start + 1)
        if end == -1 and closing == "\u201d":
            end = body.find('"', start + 1)
        if end != -1 and (end + 1 == len(body) or body[end + 1].isspace()):
            return body[start + 1 : end].strip(), end + 1
    following = _NEXT_KEY.search(body, start)
    end = following.start() if following else len(body)
    return body[start:end].strip(), end
