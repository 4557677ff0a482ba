"""The usage lines: the hint that names an outage in the command typed."""

from __future__ import annotations

from incidentbot.messages.ephemeral import candidates
from incidentbot.messages.usage import USAGE, with_id
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
