"""Guesses at what a mistyped `/outage` word meant: the nearest command or flag, and common synonyms."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from incidentbot.slack.tokens import code

# Words people reach for that are not commands, and the command they mean.
_SYNONYMS = {
    "new": "declare",
    "open": "declare",
    "start": "declare",
    "raise": "declare",
    "close": "resolve",
    "fix": "resolve",
    "fixed": "resolve",
    "end": "resolve",
    "ls": "list",
    "show": "status",
    "info": "status",
    "accept": "ack",
    "reject": "decline",
    "handoff": "commander",
    "severity": "sev",
    "comment": "note",
    "todo": "action",
}


def closest(word: str, choices: Mapping[str, object]) -> str | None:
    if len(word) > 40:  # difflib is quadratic; nobody mistypes a command that badly
        return None
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def unknown_command(word: str, commands: Mapping[str, object]) -> str:
    """The error for a first word that is not one of `commands`, with a guess at the one meant."""
    lowered = word.lower()
    guess = _SYNONYMS.get(lowered)
    if guess is None:
        guess = closest(lowered, commands)
    suggestion = f" Did you mean `/outage {guess}`?" if guess else ""
    if word.startswith("-"):
        suggestion = " Start with the command, e.g. `/outage declare --sev 2 checkout is down`."
    return f"{code(word)} is not an `/outage` command.{suggestion} `/outage help` lists the commands."
