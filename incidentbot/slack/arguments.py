"""What follows one sub-command's name: its flags, its words as text, an incident ID, and count and length checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from incidentbot.domain.incident_id import id_digits
from incidentbot.slack.flags import NO_FLAGS, Scan, scan
from incidentbot.slack.tokens import Fail, Token, code, typed_len
from incidentbot.slack.values import positive


class Arguments:
    def __init__(self, command: str, source: str, tokens: list[Token], prefix: str) -> None:
        self.command = command
        self.source = source
        self.tokens = tokens
        self.prefix = prefix
        self.name = f"`/outage {command}`"
        self._lookalike = _lookalike(prefix)

    def scan(self, spec: Mapping[str, bool]) -> Scan:
        return scan(self.tokens, spec, self.name)

    def text(self, words: Sequence[Token]) -> str:
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

    def looks_like_id(self, word: Token) -> bool:
        """An incident ID, or a word meant as one but mistyped (`OUT-abc`, `OUT-12x`, `out12`, `#12`)."""
        return id_digits(word.text, self.prefix) is not None or self._lookalike(word.text)

    def incident_id(self, word: Token, *, then: str = "") -> int:
        """The number of the incident ID `word`; `then` ends the error (how to use the word as text)."""
        shown = code(word.text)
        digits = id_digits(word.text, self.prefix)
        if digits is None:
            what, number = "an incident ID", "12"
            if self._lookalike(word.text):
                what, number = "a valid incident ID", _digits(word.text) or number
            raise Fail(f"{shown} is not {what}: write `{self.prefix}-{number}` or `{number}`.{then}")
        try:
            return positive(digits, f"{shown} is not a valid incident ID")
        except Fail as fail:
            raise Fail(fail.message + then) from None

    def leading_id(self, words: list[Token]) -> tuple[int | None, list[Token]]:
        """The incident ID when the first word is, or looks like, one (not after `--`), and the other words.

        A first word meant as an ID but mistyped is refused rather than posted as text to another outage.
        """
        if words and not words[0].literal and self.looks_like_id(words[0]):
            then = f" To start the text with {code(words[0].text)}, write `--` before it."
            return self.incident_id(words[0], then=then), words[1:]
        return None, words

    def at_most(self, words: Sequence[Token], count: int, what: str) -> None:
        if len(words) > count:
            raise Fail(f"{self.name} takes {what}; unexpected {code(words[count].text)}.")

    def ref_only(self) -> int | None:
        words = self.scan(NO_FLAGS).words
        self.at_most(words, 1, "at most an incident ID")
        return self.incident_id(words[0]) if words else None

    def required_text(self, words: Sequence[Token], limit: int, what: str, missing: str) -> str:
        text = self.text(words)
        if not text:
            raise Fail(missing)
        self.check_length(text, limit, what)
        return text

    def check_length(self, text: str, limit: int, what: str) -> None:
        length = typed_len(text)
        if length > limit:
            raise Fail(f"The {what} is {length} characters long; the limit is {limit} characters.")


def _digits(word: str) -> str | None:
    """The number in a mistyped ID (`#12`, `OUT12`), to suggest the right spelling of it."""
    found = re.search(r"(?<![0-9])[1-9][0-9]{0,9}$", word)
    return found.group() if found else None


def _lookalike(prefix: str) -> Callable[[str], bool]:
    """Whether a word is meant as an incident ID but is not one.

    `OUT-` followed by letters and digits (`OUT-abc`, `OUT-12x`, `OUT-`), the prefix and a number without
    the dash (`OUT12`), and `#12` or `#OUT-12`. Prose stays prose: `5xx`, `OUT-12:` and `out-of-date` are
    text, and so is `out-dated` (the prefix in lower case with no digit after it reads as a word).
    """
    if not prefix:
        return lambda word: False
    after_dash = re.compile(rf"#?({re.escape(prefix)})-([0-9A-Za-z]*)", re.IGNORECASE)
    glued = re.compile(rf"#?{re.escape(prefix)}[0-9]+|#[0-9]+", re.IGNORECASE)

    def lookalike(word: str) -> bool:
        if glued.fullmatch(word):
            return True
        match = after_dash.fullmatch(word)
        if match is None:
            return False
        typed, rest = match.groups()
        return not rest or not rest.isalpha() or typed.isupper() or word.startswith("#")

    return lookalike
