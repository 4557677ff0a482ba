"""The flags of each sub-command and splitting them from the words, with the lone `--` and dash handling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from incidentbot.slack.suggest import closest
from incidentbot.slack.tokens import Fail, Token, code

_DASHES = ("\u2014", "\u2013")  # em dash, en dash: what autocorrect makes of `--`

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
ACTIONS_FLAGS: dict[str, bool] = {"open": False, "mine": False}
STATS_FLAGS: dict[str, bool] = {"days": True, "division": True, "service": True}
NO_FLAGS: dict[str, bool] = {}
_ALL_FLAGS = {**DECLARE_FLAGS, **UPDATE_FLAGS, **ACTION_FLAGS, **ACTIONS_FLAGS, **STATS_FLAGS}

_FLAG_EXAMPLE = {
    "division": "--division payments",
    "sev": "--sev 2",
    "commander": "--commander @person",
    "communicator": "--communicator @person",
    "status": "--status identified",
    "owner": "--owner @person",
    "due": "--due 2024-07-31",
    "days": "--days 90",
    "service": "--service checkout",
}


@dataclass(frozen=True, slots=True)
class Scan:
    flags: dict[str, str | None]  # flag name → value (None for switches)
    words: list[Token]  # everything that is not a flag, a flag's value or the lone `--`


def asks_for_help(rest: Sequence[Token]) -> bool:
    if len(rest) == 1 and rest[0].text.lower() == "help":
        return True
    for tok in rest:
        if tok.text == "--":
            return False
        if tok.text.lower() == "--help":
            return True
    return False


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


def scan(tokens: Sequence[Token], spec: Mapping[str, bool], command_name: str) -> Scan:
    """Split `tokens` into the flags of `spec` and the remaining words; `command_name` is for errors."""
    flags: dict[str, str | None] = {}
    words: list[Token] = []
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
            raise Fail(_bad_flag(tok.text.partition("=")[0], name, spec, command_name))
        if name in flags:
            raise Fail(f"`--{name}` is given twice; give it once.")
        if not spec[name]:
            if value is not None:
                raise Fail(
                    f"`--{name}` is a switch and takes no value (got {code(tok.text)}): "
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
            raise Fail(f"`--{name}` needs a value, e.g. `{_FLAG_EXAMPLE[name]}`.")
        flags[name] = value
    return Scan(flags, words)


def _bad_flag(typed: str, name: str, spec: Mapping[str, bool], command_name: str) -> str:
    hint = "To write text that starts with `--`, put a lone `--` before it."
    if not spec:
        return f"{command_name} takes no flags (got {code(typed)}). {hint}"
    if name in _ALL_FLAGS:
        head = f"{code(typed)} is not a flag of {command_name}"
    else:
        head = f"Unknown flag {code(typed)}"
        close = closest(name, spec)
        if close:
            head += f" (did you mean `--{close}`?)"
    return f"{head}. {command_name} takes {_flag_list(spec)}. {hint}"
