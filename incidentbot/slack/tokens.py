"""The words of `/outage` text with their positions, and the error that quotes a word back to whoever typed it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word is a run of non-space characters; Slack's own markup (`<@U1|Jane Doe>`) is one word even when it
# contains spaces. Slack escapes a literal `<` typed by a person as `&lt;`, so `<` only starts markup.
_WORD = re.compile(r"(?:<[^<>\n]*>|[^\s<]|<)+")


@dataclass(frozen=True, slots=True)
class Token:
    index: int
    text: str
    start: int
    end: int
    literal: bool = False  # came after a lone `--`


class Fail(Exception):
    """What was wrong with the text, said to the person who typed it; `parse` turns it into a ParseError."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def tokenize(source: str) -> list[Token]:
    return [
        Token(index=i, text=m.group(), start=m.start(), end=m.end())
        for i, m in enumerate(_WORD.finditer(source))
    ]


def code(token: str) -> str:
    """`token` as inline code, shortened so an error message stays readable."""
    shown = token if len(token) <= 40 else token[:39] + "…"
    shown = "".join(char if char.isprintable() else "\ufffd" for char in shown)
    return "`" + shown.replace("`", "'") + "`"


def typed_len(text: str) -> int:
    """Length as the person typed it: Slack's `&amp;`, `&lt;`, `&gt;` count as one character."""
    return len(text) - 4 * text.count("&amp;") - 3 * (text.count("&lt;") + text.count("&gt;"))
