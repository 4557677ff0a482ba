"""The postmortem document: its sections in PRODUCT.md's order, and the rule that keeps people's words.

Each section holds what the bot generated (regenerated from the timeline whenever it changes) and what a
person wrote. Once a person has edited a section, their text is what the section says; regeneration only
replaces the generated text, which is then offered beside theirs when it holds newer facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from incidentbot.domain.errors import InvalidTransition

FACTS_BEFORE = (
    ("summary", "Summary"),
    ("impact", "Impact and milestones"),
    ("people", "People and roles"),
    ("communication", "Communication"),
    ("timeline", "Timeline"),
)
QUESTIONS = (
    ("who-was-involved", "Who was involved, and who should have been?"),
    ("how-communication-went", "How did communication go?"),
    ("how-it-happened", "How did it happen, according to those closest to it?"),
    ("what-went-well", "What went well?"),
    ("what-could-be-better", "What could have gone better?"),
    ("which-action-items", "Which action items prevent a recurrence?"),
    ("what-else-we-learned", "What else did we learn?"),
)
FACTS_AFTER = (("action-items", "Action items"), ("root-cause", "Root cause"))
SECTIONS = (*FACTS_BEFORE, *QUESTIONS, *FACTS_AFTER)
TITLES = dict(SECTIONS)
QUESTION_KEYS = frozenset(key for key, _ in QUESTIONS)
TEXT_LIMIT = 40_000


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    generated: str = ""
    edited: str | None = None
    # The generated text the person saw when they last edited: newer facts are offered when it changed.
    generated_when_edited: str | None = None

    @property
    def title(self) -> str:
        return TITLES[self.key]

    @property
    def text(self) -> str:
        return self.edited if self.edited is not None else self.generated

    @property
    def is_edited(self) -> bool:
        return self.edited is not None

    @property
    def is_question(self) -> bool:
        return self.key in QUESTION_KEYS

    @property
    def newer_facts(self) -> str | None:
        """The generated successor of an edited section, when the facts changed since the person wrote."""
        changed = self.is_edited and self.generated and self.generated != self.generated_when_edited
        return self.generated if changed else None

    def edit(self, text: str) -> Section:
        return replace(self, edited=text.strip(), generated_when_edited=self.generated)


def regenerate(stored: Mapping[str, Section], generated: Mapping[str, str]) -> list[Section]:
    """Every section in order with fresh generated text; what people wrote is kept as it was."""
    return [replace(stored.get(key, Section(key)), generated=generated.get(key, "")) for key, _ in SECTIONS]


def require_key(key: str) -> None:
    if key not in TITLES:
        raise InvalidTransition(f"`{key}` is not a postmortem section; the sections are {', '.join(TITLES)}.")


def require_text(text: object) -> str:
    if not isinstance(text, str):
        raise InvalidTransition("The section text must be a string: send {\"text\": \"…\"}.")
    if len(text) > TEXT_LIMIT:
        raise InvalidTransition(f"The section text is {len(text)} characters long; keep it under {TEXT_LIMIT}.")
    return text


def empty_questions(sections: Sequence[Section]) -> list[Section]:
    return [s for s in sections if s.is_question and not s.text.strip()]
