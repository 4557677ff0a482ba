"""What follows one sub-command's name: its flags, its words as text, an incident ID, and count and length checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
        return id_digits(word.text, self.prefix) is not None

    def incident_id(self, word: Token) -> int:
        digits = id_digits(word.text, self.prefix)
        if digits is None:
            raise Fail(f"{code(word.text)} is not an incident ID: write `{self.prefix}-12` or `12`.")
        return positive(digits, f"{code(word.text)} is not a valid incident ID")

    def leading_id(self, words: list[Token]) -> tuple[int | None, list[Token]]:
        """The incident ID when the first word is one (not after `--`), and the remaining words."""
        if words and not words[0].literal and self.looks_like_id(words[0]):
            return self.incident_id(words[0]), words[1:]
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
