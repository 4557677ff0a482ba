"""Slack user mentions as they arrive in slash-command text.

With "Escape channels, users, and links" enabled, Slack sends a mention as `<@U123>` or `<@U123|name>`
(`W…` ids on Enterprise Grid). Anything else in a place where a person is expected is a mistake the
person who typed it should hear about in words they understand.
"""

from __future__ import annotations

import re

_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")

PLAIN_AT_HINT = "Mention the person so Slack links them (type @ and pick their name)"


def user_id(token: str) -> str | None:
    """The Slack user id in an escaped user mention (`<@U123>`, `<@U123|name>`, `<@W123>`), else None."""
    match = _USER_MENTION.fullmatch(token)
    return match.group(1) if match else None


def why_not_a_user(token: str) -> str:
    """Why `token` is not a user mention, as the end of a sentence that starts with the token itself."""
    if token.startswith("@"):
        return f"is plain text, not a link to a person. {PLAIN_AT_HINT}."
    if token.startswith("<#"):
        return f"is a channel, not a person. {PLAIN_AT_HINT}."
    if token.startswith("<!"):
        return f"notifies a group of people, not one person. {PLAIN_AT_HINT}."
    if token.startswith("<@"):
        return f"is not a link to a person's account. {PLAIN_AT_HINT}."
    return f"is not a person. {PLAIN_AT_HINT}."
