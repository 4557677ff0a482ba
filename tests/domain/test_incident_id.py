"""Reading an incident ID as people write it: `OUT-12` or `12`."""

from __future__ import annotations

import pytest

from incidentbot.domain.incident_id import id_digits, parse_id


@pytest.mark.parametrize(("text", "number"), [("OUT-12", 12), ("out-12", 12), ("12", 12), (" OUT-7 ", 7),
                                              ("OUT-007", 7), ("9" * 12, int("9" * 12))])  # fmt: skip
def test_an_id_names_its_number(text: str, number: int) -> None:
    assert parse_id(text, "OUT") == number


@pytest.mark.parametrize("text", ["", "OUT-", "OUT-0", "0", "1" * 13, "OUT-1x", "INC-1", "OUT 1", "-1", "１２",
                                  "١٢", "OUT--1"])  # fmt: skip
def test_anything_else_names_no_incident(text: str) -> None:
    assert parse_id(text, "OUT") is None


def test_the_prefix_is_taken_literally() -> None:
    assert parse_id("A.B-3", "A.B") == 3
    assert parse_id("AXB-3", "A.B") is None


def test_the_digits_come_back_unchecked_for_commands_to_explain() -> None:
    assert id_digits("OUT-0", "OUT") == "0"
    assert id_digits("out-0012345678901234", "OUT") == "0012345678901234"
    assert id_digits("OUT-12 ", "OUT") is None  # commands hand over words, never spaces
    assert id_digits("OUT-x", "OUT") is None
