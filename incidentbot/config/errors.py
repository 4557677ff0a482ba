"""ConfigError, and turning pydantic's ValidationError into one line per problem naming the key at fault."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from incidentbot.durations import describe_value as _describe


class ConfigError(Exception):
    """A configuration problem, worded for the person starting the bot.

    ``str(error)`` is one line per problem, each starting with the source (a file name, or nothing for
    environment variables, whose names say where they come from).
    """

    def __init__(self, problems: str | Sequence[str], *, source: str | None = None) -> None:
        lines = [problems] if isinstance(problems, str) else list(problems)
        self.problems: tuple[str, ...] = tuple(line for text in lines for line in text.splitlines() if line)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + problem for problem in self.problems)


TableModels = Mapping[tuple[str, ...], type[BaseModel]]
"""The model validating each table of the file, by key path (``()`` is the whole file): its fields are the
known keys suggested for an unknown one."""

_EXPECTED = {
    "string_type": "a string",
    "str_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "path_type": "a string (a path)",
    "time_type": 'a time of day such as "09:00"',
}


def _key_path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _unknown_key(loc: Sequence[int | str], tables: TableModels) -> str:
    key = str(loc[-1])
    parent = loc[:-1]
    model = tables.get(tuple(str(part) for part in parent if not isinstance(part, int)))
    known = list(model.model_fields) if model else []
    lowered = {name.lower(): name for name in known}
    close = [lowered[key.lower()]] if key.lower() in lowered else difflib.get_close_matches(key, known, n=1)
    if close:
        hint = f' (did you mean "{close[0]}"?)'
    elif known:
        hint = f" (known keys: {', '.join(known)})"
    else:
        hint = ""
    prefix = f"{_key_path(parent)}: " if parent else ""
    return f'{prefix}unknown key "{key}"{hint}'


def _problem(error: Mapping[str, Any], *, env: bool, tables: TableModels) -> list[str]:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    kind = error["type"]
    where = "_".join(str(part) for part in loc).upper() if env else _key_path(loc)
    if kind == "extra_forbidden" and not env:
        return [_unknown_key(loc, tables)]
    if kind == "missing" and not env:
        parent = _key_path(loc[:-1])
        return [f'{parent + ": " if parent else ""}missing required key "{loc[-1]}"']
    if kind == "value_error" and "error" in error.get("ctx", {}):
        message = str(error["ctx"]["error"])
    elif kind == "missing":
        message = "is not set"
    elif kind in _EXPECTED:
        expected = _EXPECTED[kind]
        if loc == ("divisions",):
            expected = "an array of tables ([[divisions]])"
        message = f"expected {expected}, got {_describe(error['input'])}"
    else:
        message = str(error["msg"])
    lines = message.splitlines() or [message]
    # A cross-key check already names its keys in each line; other messages get the key in front.
    return [f"{where}: {line}" if where else line for line in lines]


def format_validation_error(
    error: ValidationError, *, env: bool = False, tables: TableModels | None = None
) -> list[str]:
    """One line per problem in ``error``: keyed by environment variable (``env``) or by TOML key path.

    ``tables`` gives the known keys of each table, to suggest one when a key is unknown.
    """
    problems: list[str] = []
    for item in error.errors(include_url=False):
        problems.extend(_problem(item, env=env, tables=tables or {}))
    return problems
