"""The postmortem's sections: regeneration replaces only generated text; a person's text is kept."""

from __future__ import annotations

import pytest

from incidentbot.domain.errors import InvalidTransition
from incidentbot.domain.postmortem import SECTIONS, Section, empty_questions, regenerate, require_key


def test_regeneration_never_overwrites_an_edit_and_offers_the_newer_facts() -> None:
    first = {s.key: s for s in regenerate({}, {"timeline": "- 10:00 declared"})}
    edited = {**first, "timeline": first["timeline"].edit("Declared at ten.")}
    again = {s.key: s for s in regenerate(edited, {"timeline": "- 10:00 declared\n- 10:05 note"})}
    assert again["timeline"].text == "Declared at ten." and again["timeline"].is_edited
    assert again["timeline"].newer_facts == "- 10:00 declared\n- 10:05 note"
    unchanged = {s.key: s for s in regenerate(edited, {"timeline": "- 10:00 declared"})}
    assert unchanged["timeline"].newer_facts is None
    assert [s.key for s in regenerate({}, {})] == [key for key, _ in SECTIONS]


def test_empty_questions_are_those_without_an_answer() -> None:
    sections = regenerate({"what-went-well": Section("what-went-well").edit("Fast rollback")}, {})
    assert len(empty_questions(sections)) == 6
    assert "what-went-well" not in {s.key for s in empty_questions(sections)}
    with pytest.raises(InvalidTransition, match="not a postmortem section"):
        require_key("colour")
