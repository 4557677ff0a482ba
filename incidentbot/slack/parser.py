"""Parse the text of the `/outage` slash command into a command object.

`parse(text)` returns one of the `incidentbot.service.commands` dataclasses, or a `ParseError` that says
exactly what was wrong and carries the usage line of the sub-command. It never raises.

Grammar notes (PRODUCT.md, "Slash command `/outage`", is the contract):

- The sub-command is the first word, case-insensitive. Empty text → `Help()`.
- Flags (`--flag value` or `--flag=value`) may appear anywhere after the sub-command. A lone `--` ends flag
  parsing: everything after it is text. Phones and macOS turn `--` into an em or en dash, so `—sev 2` is
  read as `--sev 2` when the word after the dash is a known flag; otherwise the dash word is plain text.
- `--help` anywhere (before `--`), or the single word `help` after a sub-command, shows that sub-command's
  help instead of running it (so `/outage declare help` never declares an outage called "help").
- An incident ID is `OUT-12` (the configured prefix, any case) or a bare `12`. It is only looked for in
  the ID position: the first word after the sub-command that is not a flag or a flag's value.
- For `update`, `note`, `resolve` and `action`, a first word that is a number is taken as the incident
  ID: `/outage note 5 servers restarted` is a note "servers restarted" on OUT-5. To start the text with
  a number, write `--` first: `/outage note -- 5 servers restarted`.
- A word in the ID position that is meant as an ID but mistyped (`OUT-abc`, `OUT-12x`, `OUT-`, `OUT12`, `#12`)
  is an error that names it, never text posted to whichever outage the channel has. Prose is left alone:
  `5xx errors down`, `out-of-date certs`, `OUT-12: better` are text.
- Text keeps what Slack sent, byte for byte (`&amp;`, `&lt;`, `&gt;` stay escaped; newlines and spacing
  stay), minus the flags and the ID; where a flag sat between two words the sides are joined by a space.
  Length limits count characters as the person typed them (`&amp;` counts as one).
"""

from __future__ import annotations

from dataclasses import dataclass

from incidentbot.messages.usage import AVAILABLE, USAGE
from incidentbot.service.commands import Command, Help
from incidentbot.slack.arguments import Arguments
from incidentbot.slack.flags import asks_for_help
from incidentbot.slack.grammar import HANDLERS
from incidentbot.slack.suggest import unknown_command
from incidentbot.slack.tokens import Fail, tokenize
from incidentbot.slack.values import ACTION_LIMIT, DIVISION_LIMIT, MAX_NUMBER_DIGITS, SUMMARY_LIMIT, TEXT_LIMIT

__all__ = [
    "ACTION_LIMIT",
    "DIVISION_LIMIT",
    "GENERAL_USAGE",
    "MAX_NUMBER_DIGITS",
    "SUMMARY_LIMIT",
    "TEXT_LIMIT",
    "ParseError",
    "parse",
    "typed_command",
]

GENERAL_USAGE = "/outage <command> [arguments], where <command> is one of: " + ", ".join(AVAILABLE)


@dataclass(frozen=True, slots=True)
class ParseError:
    message: str  # says exactly what was wrong, for the person who typed it
    usage: str  # the usage line of the sub-command, or GENERAL_USAGE


def parse(text: str, *, id_prefix: str = "OUT") -> Command | ParseError:
    """Parse `/outage` text (as Slack sent it, mentions escaped) into a command or a `ParseError`.

    IDs are `<id_prefix>-<n>` (any case) or a bare `<n>`. For `update`, `note`, `resolve` and `action` a
    bare number as the first word is the incident ID; to start the text with a number write `--` first
    (`/outage note -- 5 hosts down`). Never raises.
    """
    tokens = tokenize(text)
    if not tokens:
        return Help()
    command = tokens[0].text.lower()
    handler = HANDLERS.get(command)
    if handler is None:
        return ParseError(unknown_command(tokens[0].text, HANDLERS), GENERAL_USAGE)
    rest = tokens[1:]
    if asks_for_help(rest):
        return Help(topic=command)
    try:
        return handler(Arguments(command, text, rest, id_prefix))
    except Fail as fail:
        return ParseError(fail.message, USAGE[command])


def typed_command(text: str | None) -> str | None:
    """The sub-command `text` starts with (lower case), or None when it names none."""
    tokens = tokenize(text or "")
    command = tokens[0].text.lower() if tokens else None
    return command if command in HANDLERS else None
