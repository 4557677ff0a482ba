"""Value checks and field types shared by the environment and the TOML file: channel names, URLs, durations."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, PlainValidator

from incidentbot.durations import describe_value as _describe
from incidentbot.durations import parse_duration

MAX_CHANNEL_NAME = 80
CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
CHANNEL_RULES = 'lowercase letters, digits, "-" and "_", at most 80 characters'

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


def is_channel_name(name: str) -> bool:
    """True when ``name`` follows Slack's channel-name rules (lowercase, digits, ``-``/``_``, ≤ 80 chars)."""
    return len(name) <= MAX_CHANNEL_NAME and CHANNEL_NAME.fullmatch(name) is not None


def channel_name(value: str) -> str:
    """``value`` without spaces around it or a leading ``#``; ValueError unless it is a valid channel name."""
    name = value.strip().removeprefix("#")
    if not is_channel_name(name):
        raise ValueError(f"{_describe(value)} is not a valid Slack channel name ({CHANNEL_RULES})")
    return name


def http_url(value: str, *, what: str) -> str:
    """``value`` stripped; ValueError (saying it is not ``what``) unless it is an absolute http(s) URL."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{_describe(value)} is not {what} (it should look like https://example.com)")
    return text


Duration = Annotated[timedelta, PlainValidator(parse_duration)]
"""A positive timedelta read from seconds or a string such as "90s", "15m", "2h", "1h30m"."""


def _user_id(value: str) -> str:
    if not _USER_ID.fullmatch(value):
        raise ValueError(f'{_describe(value)} is not a Slack user id (such as "U012AB3CD")')
    return value


UserId = Annotated[str, AfterValidator(_user_id)]
"""A Slack user id: ``U…`` or ``W…`` (Enterprise Grid), upper case."""


_RESPONDER_ID = re.compile(r"[UWS][A-Z0-9]{2,20}")


def _responder_id(value: str) -> str:
    if not _RESPONDER_ID.fullmatch(value):
        raise ValueError(
            f'{_describe(value)} is not a Slack user id (such as "U012AB3CD") or user-group id (such as "S0614TZR7")'
        )
    return value


ResponderId = Annotated[str, AfterValidator(_responder_id)]
"""Who is told about an unanswered report: a user id (``U…``/``W…``) or a user-group id (``S…``)."""
