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
- Text keeps what Slack sent, byte for byte (`&amp;`, `&lt;`, `&gt;` stay escaped; newlines and spacing
  stay), minus the flags and the ID; where a flag sat between two words the sides are joined by a space.
  Length limits count characters as the person typed them (`&amp;` counts as one).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from incidentbot.domain.model import BOOKKEEPING_FIELDS, Role, Status
from incidentbot.service.commands import (
    USAGE,
    Ack,
    AddAction,
    Cancel,
    ChangeSeverity,
    Command,
    Declare,
    Decline,
    DoneAction,
    Help,
    ListActions,
    ListOpen,
    Note,
    OpenDeclareModal,
    Postmortem,
    RequestHandoff,
    Resolve,
    SetFields,
    ShowStatus,
    ShowTimeline,
    Update,
)
from incidentbot.slack.mentions import user_id, why_not_a_user

SUMMARY_LIMIT = 500
TEXT_LIMIT = 3000  # update and note text, resolution summary, each book-keeping value
ACTION_LIMIT = 500
DIVISION_LIMIT = 60
MAX_NUMBER_DIGITS = 10

GENERAL_USAGE = "/outage <command> [arguments], where <command> is one of: " + ", ".join(USAGE)


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
    tokens = _tokenize(text)
    if not tokens:
        return Help()
    command = tokens[0].text.lower()
    handler = _HANDLERS.get(command)
    if handler is None:
        return ParseError(_unknown_command(tokens[0].text), GENERAL_USAGE)
    rest = tokens[1:]
    if _asks_for_help(rest):
        return Help(topic=command)
    try:
        return handler(_Input(command, text, rest, id_prefix))
    except _Fail as fail:
        return ParseError(fail.message, USAGE[command])


# ----- tokens ----------------------------------------------------------------------------------------------

# A word is a run of non-space characters; Slack's own markup (`<@U1|Jane Doe>`) is one word even when it
# contains spaces. Slack escapes a literal `<` typed by a person as `&lt;`, so `<` only starts markup.
_WORD = re.compile(r"(?:<[^<>\n]*>|[^\s<]|<)+")
_DASHES = ("\u2014", "\u2013")  # em dash, en dash: what autocorrect makes of `--`


@dataclass(frozen=True, slots=True)
class _Token:
    index: int
    text: str
    start: int
    end: int
    literal: bool = False  # came after a lone `--`


def _tokenize(source: str) -> list[_Token]:
    return [
        _Token(index=i, text=m.group(), start=m.start(), end=m.end())
        for i, m in enumerate(_WORD.finditer(source))
    ]


def _asks_for_help(rest: Sequence[_Token]) -> bool:
    if len(rest) == 1 and rest[0].text.lower() == "help":
        return True
    for tok in rest:
        if tok.text == "--":
            return False
        if tok.text.lower() == "--help":
            return True
    return False


def _code(token: str) -> str:
    """`token` as inline code, shortened so an error message stays readable."""
    shown = token if len(token) <= 40 else token[:39] + "…"
    shown = "".join(char if char.isprintable() else "\ufffd" for char in shown)
    return "`" + shown.replace("`", "'") + "`"


def _typed_len(text: str) -> int:
    """Length as the person typed it: Slack's `&amp;`, `&lt;`, `&gt;` count as one character."""
    return len(text) - 4 * text.count("&amp;") - 3 * (text.count("&lt;") + text.count("&gt;"))


# ----- flags -----------------------------------------------------------------------------------------------

# name → takes a value
DECLARE_FLAGS: dict[str, bool] = {
    "division": True,
    "sev": True,
    "company-wide": False,
    "commander": True,
    "communicator": True,
    "drill": False,
}
UPDATE_FLAGS: dict[str, bool] = {"status": True}
ACTION_FLAGS: dict[str, bool] = {"owner": True, "due": True}
ACTIONS_FLAGS: dict[str, bool] = {"open": False}
NO_FLAGS: dict[str, bool] = {}
_ALL_FLAGS = {**DECLARE_FLAGS, **UPDATE_FLAGS, **ACTION_FLAGS, **ACTIONS_FLAGS}

_FLAG_EXAMPLE = {
    "division": "--division payments",
    "sev": "--sev 2",
    "commander": "--commander @person",
    "communicator": "--communicator @person",
    "status": "--status identified",
    "owner": "--owner @person",
    "due": "--due 2024-07-31",
}
_OPEN_STATUSES = ("investigating", "identified", "monitoring", "resolved")


def _flag_parts(word: str) -> tuple[str, str | None] | None:
    """(flag name, value after `=` or None) when `word` is a flag, else None. `--` alone is not a flag."""
    if word.startswith("--") and word != "--":
        body = word[2:]
    elif len(word) > 1 and word[0] in _DASHES:
        body = word[1:]
        if body.partition("=")[0].lower() not in _ALL_FLAGS:
            return None
    else:
        return None
    name, equals, value = body.partition("=")
    return name.lower(), (value if equals else None)


def _flag_list(spec: Mapping[str, bool]) -> str:
    return ", ".join(f"`--{name}`" for name in spec)


@dataclass(frozen=True, slots=True)
class _Scan:
    flags: dict[str, str | None]  # flag name → value (None for switches)
    words: list[_Token]  # everything that is not a flag, a flag's value or the lone `--`


class _Fail(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ----- the input of one sub-command ------------------------------------------------------------------------


class _Input:
    def __init__(self, command: str, source: str, tokens: list[_Token], prefix: str) -> None:
        self.command = command
        self.source = source
        self.tokens = tokens
        self.prefix = prefix
        self.name = f"`/outage {command}`"
        self._id = re.compile(rf"(?:{re.escape(prefix)}-)?([0-9]+)", re.IGNORECASE)

    def scan(self, spec: Mapping[str, bool]) -> _Scan:
        flags: dict[str, str | None] = {}
        words: list[_Token] = []
        tokens = self.tokens
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if tok.text == "--":
                words.extend(replace(t, literal=True) for t in tokens[i:])
                break
            parts = _flag_parts(tok.text)
            if parts is None:
                words.append(tok)
                continue
            name, value = parts
            if name not in spec:
                raise _Fail(self._bad_flag(tok.text.partition("=")[0], name, spec))
            if name in flags:
                raise _Fail(f"`--{name}` is given twice; give it once.")
            if not spec[name]:
                if value is not None:
                    raise _Fail(
                        f"`--{name}` is a switch and takes no value (got {_code(tok.text)}): "
                        f"write just `--{name}`."
                    )
                flags[name] = None
                continue
            if (
                value is None
                and i < len(tokens)
                and tokens[i].text != "--"
                and _flag_parts(tokens[i].text) is None
            ):
                value = tokens[i].text
                i += 1
            if not value:
                raise _Fail(f"`--{name}` needs a value, e.g. `{_FLAG_EXAMPLE[name]}`.")
            flags[name] = value
        return _Scan(flags, words)

    def _bad_flag(self, typed: str, name: str, spec: Mapping[str, bool]) -> str:
        hint = "To write text that starts with `--`, put a lone `--` before it."
        if not spec:
            return f"{self.name} takes no flags (got {_code(typed)}). {hint}"
        if name in _ALL_FLAGS:
            head = f"{_code(typed)} is not a flag of {self.name}"
        else:
            head = f"Unknown flag {_code(typed)}"
            close = _closest(name, spec)
            if close:
                head += f" (did you mean `--{close}`?)"
        return f"{head}. {self.name} takes {_flag_list(spec)}. {hint}"

    # -- words --

    def text(self, words: Sequence[_Token]) -> str:
        """The words' original text; runs of adjacent words keep their spacing, gaps become one space."""
        spans: list[list[int]] = []
        previous = -2
        for word in words:
            if spans and word.index == previous + 1:
                spans[-1][1] = word.end
            else:
                spans.append([word.start, word.end])
            previous = word.index
        return " ".join(self.source[start:end] for start, end in spans).strip()

    def looks_like_id(self, word: _Token) -> bool:
        return self._id.fullmatch(word.text) is not None

    def incident_id(self, word: _Token) -> int:
        match = self._id.fullmatch(word.text)
        if match is None:
            raise _Fail(f"{_code(word.text)} is not an incident ID: write `{self.prefix}-12` or `12`.")
        return _positive(match.group(1), f"{_code(word.text)} is not a valid incident ID")

    def leading_id(self, words: list[_Token]) -> tuple[int | None, list[_Token]]:
        """The incident ID when the first word is one (not after `--`), and the remaining words."""
        if words and not words[0].literal and self.looks_like_id(words[0]):
            return self.incident_id(words[0]), words[1:]
        return None, words

    def at_most(self, words: Sequence[_Token], count: int, what: str) -> None:
        if len(words) > count:
            raise _Fail(f"{self.name} takes {what}; unexpected {_code(words[count].text)}.")

    def ref_only(self) -> int | None:
        words = self.scan(NO_FLAGS).words
        self.at_most(words, 1, "at most an incident ID")
        return self.incident_id(words[0]) if words else None

    def required_text(self, words: Sequence[_Token], limit: int, what: str, missing: str) -> str:
        text = self.text(words)
        if not text:
            raise _Fail(missing)
        self.check_length(text, limit, what)
        return text

    def check_length(self, text: str, limit: int, what: str) -> None:
        length = _typed_len(text)
        if length > limit:
            raise _Fail(f"The {what} is {length} characters long; the limit is {limit} characters.")


# ----- values ----------------------------------------------------------------------------------------------


def _positive(digits: str, problem: str) -> int:
    if len(digits) > MAX_NUMBER_DIGITS:
        raise _Fail(f"{problem}: the number is too long (at most {MAX_NUMBER_DIGITS} digits).")
    number = int(digits)
    if number < 1:
        raise _Fail(f"{problem}: numbers start at 1.")
    return number


_SEVERITY = re.compile(r"(?:sev-?)?([0-9]+)", re.IGNORECASE)


def _severity(value: str, what: str) -> int:
    match = _SEVERITY.fullmatch(value)
    digits = match.group(1).lstrip("0") if match else ""
    if digits not in ("1", "2", "3", "4"):
        raise _Fail(f"{what} must be 1, 2, 3 or 4 (got {_code(value)}).")
    return int(digits)


def _user(value: str, what: str) -> str:
    found = user_id(value)
    if found is None:
        raise _Fail(f"{what}: {_code(value)} {why_not_a_user(value)}")
    return found


_DIVISION = re.compile(r"[A-Za-z0-9_-]+")


def _division(value: str) -> str:
    if _DIVISION.fullmatch(value) is None:
        raise _Fail(
            f"`--division` must be a division name made of letters, digits, `-` and `_`, "
            f"e.g. `payments` (got {_code(value)})."
        )
    if len(value) > DIVISION_LIMIT:
        raise _Fail(
            f"`--division` {_code(value)} is {len(value)} characters long; "
            f"division names have at most {DIVISION_LIMIT}."
        )
    return value.lower()


def _status(value: str) -> Status:
    lowered = value.lower()
    if lowered not in _OPEN_STATUSES:
        extra = (
            " To cancel a declaration made in error, use `/outage cancel`." if lowered == "cancelled" else ""
        )
        raise _Fail(
            f"`--status` must be investigating, identified, monitoring or resolved "
            f"(got {_code(value)}).{extra}"
        )
    return Status(lowered)


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _due(value: str) -> date:
    match = _DATE.fullmatch(value)
    problem = f"`--due` must be a date written YYYY-MM-DD, e.g. `2024-07-31` (got {_code(value)})."
    if match is None:
        raise _Fail(problem)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise _Fail(
            f"`--due` {_code(value)} is not a real date; write YYYY-MM-DD, e.g. `2024-07-31`."
        ) from None


# ----- sub-commands ----------------------------------------------------------------------------------------


def _help(given: _Input) -> Command:
    words = given.scan(NO_FLAGS).words
    given.at_most(words, 1, "at most one command name")
    if not words:
        return Help()
    topic = words[0].text.lower()
    if topic not in USAGE:
        raise _Fail(_unknown_command(words[0].text))
    return Help(topic=topic)


def _declare(given: _Input) -> Command:
    if not given.tokens:
        return OpenDeclareModal()
    scan = given.scan(DECLARE_FLAGS)
    flags = scan.flags
    division = flags.get("division")
    severity = flags.get("sev")
    commander = flags.get("commander")
    communicator = flags.get("communicator")
    summary = given.text(scan.words)
    result = Declare(
        summary=summary,
        division=_division(division) if division is not None else None,
        severity=_severity(severity, "`--sev`") if severity is not None else 3,
        company_wide="company-wide" in flags,
        commander=_user(commander, "`--commander`") if commander is not None else None,
        communicator=_user(communicator, "`--communicator`") if communicator is not None else None,
        drill="drill" in flags,
    )
    if not summary:
        raise _Fail(
            f"{given.name} needs a summary: say in a few words what is broken, "
            "e.g. `/outage declare --sev 2 checkout fails for EU customers`."
        )
    length = _typed_len(summary)
    if length > SUMMARY_LIMIT:
        raise _Fail(
            f"The summary is {length} characters long: keep the summary under {SUMMARY_LIMIT} characters; "
            "put detail in an update."
        )
    return result


def _update(given: _Input) -> Command:
    scan = given.scan(UPDATE_FLAGS)
    ref, words = given.leading_id(scan.words)
    status = scan.flags.get("status")
    parsed_status = _status(status) if status is not None else None
    text = given.required_text(
        words, TEXT_LIMIT, "update", f"{given.name} needs text: say what changed and what happens next."
    )
    return Update(text=text, ref=ref, status=parsed_status)


def _handoff(role: Role) -> Callable[[_Input], Command]:
    def handler(given: _Input) -> Command:
        words = given.scan(NO_FLAGS).words
        given.at_most(words, 2, "a person and at most an incident ID")
        if not words:
            raise _Fail(
                f"{given.name} needs the person to hand the {role} role to, e.g. `/outage {role} @person`."
            )
        # `commander OUT-4 @user` as well as `commander @user OUT-4`.
        if len(words) == 2 and given.looks_like_id(words[0]) and not given.looks_like_id(words[1]):
            words = [words[1], words[0]]
        to = _user(words[0].text, f"The new {role}")
        ref = given.incident_id(words[1]) if len(words) == 2 else None
        return RequestHandoff(role=role, to=to, ref=ref)

    return handler


def _ack(given: _Input) -> Command:
    return Ack(ref=given.ref_only())


def _decline(given: _Input) -> Command:
    return Decline(ref=given.ref_only())


def _note(given: _Input) -> Command:
    ref, words = given.leading_id(given.scan(NO_FLAGS).words)
    text = given.required_text(
        words, TEXT_LIMIT, "note", f"{given.name} needs text: what should the timeline say?"
    )
    return Note(text=text, ref=ref)


def _sev(given: _Input) -> Command:
    words = given.scan(NO_FLAGS).words
    given.at_most(words, 2, "a severity and at most an incident ID")
    if not words:
        raise _Fail(f"{given.name} needs the new severity, 1 (worst) to 4, e.g. `/outage sev 2`.")
    # `sev OUT-12 2`: a prefixed ID first is unambiguous; a bare number first is always the severity.
    if len(words) == 2 and not words[0].text.isdigit() and given.looks_like_id(words[0]):
        words = [words[1], words[0]]
    severity = _severity(words[0].text, "The severity")
    ref = given.incident_id(words[1]) if len(words) == 2 else None
    return ChangeSeverity(severity=severity, ref=ref)


def _resolve(given: _Input) -> Command:
    ref, words = given.leading_id(given.scan(NO_FLAGS).words)
    summary = given.text(words)
    given.check_length(summary, TEXT_LIMIT, "resolution summary")
    return Resolve(ref=ref, summary=summary or None)


def _cancel(given: _Input) -> Command:
    return Cancel(ref=given.ref_only())


def _list(given: _Input) -> Command:
    given.at_most(given.scan(NO_FLAGS).words, 0, "nothing more")
    return ListOpen()


def _status_cmd(given: _Input) -> Command:
    return ShowStatus(ref=given.ref_only())


def _timeline(given: _Input) -> Command:
    return ShowTimeline(ref=given.ref_only())


_FIELD_NAMES = ", ".join(name.replace("_", "-") for name in BOOKKEEPING_FIELDS)
_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)=")
_NEXT_KEY = re.compile(r"\s[A-Za-z][A-Za-z0-9_-]*=")
_QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}  # straight and typographic quotes


def _set(given: _Input) -> Command:
    ref, words = given.leading_id(given.scan(NO_FLAGS).words)
    body = given.text(words)
    if not body:
        raise _Fail(
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
            raise _Fail(
                f"{_code(word)} is not a field: write key=value, e.g. `impact=checkout down`. "
                f"The fields are {_FIELD_NAMES}."
            )
        key = key_match.group(1).lower().replace("-", "_")
        if key not in BOOKKEEPING_FIELDS:
            raise _Fail(
                f"Unknown field {_code(key_match.group(1))}: the fields are {_FIELD_NAMES}. "
                "If the `=` belongs to the previous value, put that value in quotes."
            )
        if key in values:
            raise _Fail(f"{_code(key.replace('_', '-'))} is given twice; give it once.")
        value, position = _field_value(body, key_match.end())
        given.check_length(value, TEXT_LIMIT, key.replace("_", "-"))
        values[key] = value
    return SetFields(values=values, ref=ref)


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


def _postmortem(given: _Input) -> Command:
    return Postmortem(ref=given.ref_only())


def _action(given: _Input) -> Command:
    scan = given.scan(ACTION_FLAGS)
    ref, words = given.leading_id(scan.words)
    owner = scan.flags.get("owner")
    due = scan.flags.get("due")
    parsed_owner = _user(owner, "`--owner`") if owner is not None else None
    parsed_due = _due(due) if due is not None else None
    text = given.required_text(
        words,
        ACTION_LIMIT,
        "action item",
        f"{given.name} needs text: what should be done to prevent a recurrence?",
    )
    return AddAction(text=text, ref=ref, owner=parsed_owner, due=parsed_due)


def _actions(given: _Input) -> Command:
    scan = given.scan(ACTIONS_FLAGS)
    words = scan.words
    open_only = "open" in scan.flags
    # `actions open` is what people type at 3 am; read it as `actions --open`.
    if len(words) == 1 and words[0].text.lower() == "open":
        words, open_only = [], True
    given.at_most(words, 0, "only `--open`")
    return ListActions(open_only=open_only)


def _done(given: _Input) -> Command:
    words = given.scan(NO_FLAGS).words
    given.at_most(words, 1, "one action number")
    if not words:
        raise _Fail(f"{given.name} needs the number of the action item, e.g. `/outage done 7`.")
    word = words[0].text
    if not (word.isascii() and word.isdigit()):
        raise _Fail(f"{_code(word)} is not an action number: write a whole number such as `7`.")
    return DoneAction(action_id=_positive(word, f"{_code(word)} is not a valid action number"))


_HANDLERS: dict[str, Callable[[_Input], Command]] = {
    "help": _help,
    "declare": _declare,
    "update": _update,
    "commander": _handoff(Role.COMMANDER),
    "communicator": _handoff(Role.COMMUNICATOR),
    "ack": _ack,
    "decline": _decline,
    "note": _note,
    "sev": _sev,
    "resolve": _resolve,
    "cancel": _cancel,
    "list": _list,
    "status": _status_cmd,
    "timeline": _timeline,
    "set": _set,
    "postmortem": _postmortem,
    "action": _action,
    "actions": _actions,
    "done": _done,
}

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


def _closest(word: str, choices: Mapping[str, object]) -> str | None:
    if len(word) > 40:  # difflib is quadratic; nobody mistypes a command that badly
        return None
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def _unknown_command(word: str) -> str:
    lowered = word.lower()
    guess = _SYNONYMS.get(lowered)
    if guess is None:
        guess = _closest(lowered, _HANDLERS)
    suggestion = f" Did you mean `/outage {guess}`?" if guess else ""
    if word.startswith("-"):
        suggestion = " Start with the command, e.g. `/outage declare --sev 2 checkout is down`."
    return f"{_code(word)} is not an `/outage` command.{suggestion} `/outage help` lists the commands."
