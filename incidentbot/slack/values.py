"""What a typed value may be: the length limits and the severity, person, division, status, date and number checks."""

from __future__ import annotations

import re
from datetime import date

from incidentbot.domain import validation
from incidentbot.domain.model import Status
from incidentbot.slack.mentions import user_id, why_not_a_user
from incidentbot.slack.tokens import Fail, code

SUMMARY_LIMIT = 500
TEXT_LIMIT = 3000  # each book-keeping value
LONG_TEXT_LIMIT = 40_000  # update, note and resolution text: Slack's own limit; stored whole, posts link to it
ACTION_LIMIT = 500
DIVISION_LIMIT = validation.DIVISION_LIMIT
MAX_NUMBER_DIGITS = 10


def positive(digits: str, problem: str) -> int:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise Fail(f"{problem}: the number is too long (at most {MAX_NUMBER_DIGITS} digits).")
    number = int(digits)
    if number < 1:
        raise Fail(f"{problem}: numbers start at 1.")
    return number


def severity(value: str, what: str) -> int:
    found = validation.severity_named(value)
    if found is None:
        raise Fail(f"{what} must be 1, 2, 3 or 4 (got {code(value)}).")
    return found


def user(value: str, what: str) -> str:
    found = user_id(value)
    if found is None:
        raise Fail(f"{what}: {code(value)} {why_not_a_user(value)}")
    return found


def division(value: str) -> str:
    if validation.division_name_has_bad_characters(value):
        raise Fail(
            f"`--division` must be a division name made of letters, digits, `-` and `_`, "
            f"e.g. `payments` (got {code(value)})."
        )
    if validation.division_name_too_long(value):
        raise Fail(
            f"`--division` {code(value)} is {len(value)} characters long; "
            f"division names have at most {DIVISION_LIMIT}."
        )
    return value.lower()


def status(value: str) -> Status:
    named = validation.update_status_named(value)
    if named is None:
        extra = (
            " To cancel a declaration made in error, use `/outage cancel`." if value.lower() == "cancelled" else ""
        )
        raise Fail(
            f"`--status` must be investigating, identified, monitoring or resolved "
            f"(got {code(value)}).{extra}"
        )
    return named


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def due(value: str) -> date:
    match = _DATE.fullmatch(value)
    problem = f"`--due` must be a date written YYYY-MM-DD, e.g. `2024-07-31` (got {code(value)})."
    if match is None:
        raise Fail(problem)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise Fail(
            f"`--due` {code(value)} is not a real date; write YYYY-MM-DD, e.g. `2024-07-31`."
        ) from None
