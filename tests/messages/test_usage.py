"""The usage lines: the one source of `/outage help` and the README's command table; the "which outage?" hint."""

from __future__ import annotations

import re
from pathlib import Path

from incidentbot.messages import text as t
from incidentbot.messages.ephemeral import candidates, help_message
from incidentbot.messages.usage import AVAILABLE, DESCRIPTIONS, USAGE, with_id
from tests.messages.render_support import all_text, incident, valid


def test_with_id_puts_the_id_where_the_command_takes_it() -> None:
    assert with_id("update", "OUT-2") == "/outage update OUT-2 …"
    assert with_id("commander", "OUT-2") == "/outage commander OUT-2 …"
    assert with_id("sev", "OUT-2") == "/outage sev OUT-2 …"
    assert with_id("status", "OUT-2") == "/outage status OUT-2"
    assert with_id("ack", "OUT-2") == "/outage ack OUT-2"


def test_with_id_of_a_command_without_an_id_shows_status() -> None:
    assert with_id(None, "OUT-2") == "/outage status OUT-2"
    assert with_id("list", "OUT-2") == "/outage status OUT-2"
    assert with_id("frobnicate", "OUT-2") == "/outage status OUT-2"


def test_every_command_that_takes_an_id_gets_itself_back() -> None:
    for name, usage in USAGE.items():
        if "[ID]" in usage:
            assert with_id(name, "OUT-7").startswith(f"/outage {name} OUT-7")


def test_candidates_hint_repeats_the_command() -> None:
    text = all_text(valid(candidates([incident(2), incident(3)], reason="Which one?", command="note")))
    assert "e.g. `/outage note OUT-2 …`" in text and "/outage status" not in text
    assert "e.g. `/outage status OUT-2`" in all_text(valid(candidates([incident(2)], reason="Which one?")))


# ----- help, the README and what the bot does, in step ---------------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _readme_table() -> list[tuple[str, str]]:
    """(usage, description) of each row of the README's command table, `\\|` read as `|`."""
    rows = []
    for line in _readme_section("Using it").splitlines():
        if line.startswith("| `"):
            cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.append((cells[0].strip("`"), cells[1]))
    return rows


def test_readme_command_table_is_the_help_of_the_commands_that_work() -> None:
    assert _readme_table() == [(USAGE[name], DESCRIPTIONS[name]) for name in AVAILABLE]


def test_help_lists_every_command_and_nothing_is_coming_later() -> None:
    section = _readme_section("Using it")
    help_text = all_text(valid(help_message(None)))
    assert "Coming in a later version" not in help_text and "coming in a later version" not in section
    for name in AVAILABLE:
        assert f"`{t.escape(USAGE[name])}`\n{DESCRIPTIONS[name]}" in help_text


def test_every_command_has_a_description() -> None:
    assert set(DESCRIPTIONS) == set(USAGE) == set(AVAILABLE)


def test_help_for_the_action_commands_shows_their_usage() -> None:
    text = all_text(valid(help_message("actions")))
    assert "/outage actions [ID] [--open] [--mine]" in text
    assert t.escape("/outage done A-<n> [note]") in all_text(valid(help_message("done")))
