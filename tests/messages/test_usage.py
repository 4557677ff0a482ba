"""The usage lines: the one source of `/outage help` and the README's command table; the "which outage?" hint."""

from __future__ import annotations

import re
from pathlib import Path

from incidentbot.messages import text as t
from incidentbot.messages.ephemeral import candidates, help_message
from incidentbot.messages.usage import AVAILABLE, COMING, DESCRIPTIONS, NOT_YET, USAGE, with_id
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


def test_commands_this_version_refuses_are_coming_in_help_and_readme_not_in_the_table() -> None:
    section = _readme_section("Using it")
    table = "\n".join(usage for usage, _ in _readme_table())
    help_text = all_text(valid(help_message(None)))
    listed, coming = help_text.split("*Coming in a later version:*")
    for name in COMING:
        assert f"/outage {name} " not in table and f"/outage {name}`" in section
        assert f"/outage {name} " not in listed and f"/outage {name}`" in coming
    assert "coming in a later version" in section and NOT_YET in coming
    for name in AVAILABLE:
        assert f"`{t.escape(USAGE[name])}`\n{DESCRIPTIONS[name]}" in listed


def test_every_command_has_a_description_and_the_coming_ones_are_real_commands() -> None:
    assert set(DESCRIPTIONS) == set(USAGE)
    assert set(COMING) < set(USAGE) and set(AVAILABLE) == set(USAGE) - set(COMING)


def test_help_for_a_coming_command_says_it_is_not_there_yet() -> None:
    text = all_text(valid(help_message("actions")))
    assert "/outage actions [--open]" in text and NOT_YET in text
