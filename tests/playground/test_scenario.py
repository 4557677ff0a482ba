"""Scenario files: the shipped one loads, every declaration is a drill, and mistakes are named with their step."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from incidentbot.cli import main
from incidentbot.playground.scenario import ScenarioError, load_scenario, parse_scenario, shipped

STEP = '[[steps]]\nas = "alice"\nrun = "/outage list"\n'


def test_the_shipped_checkout_scenario_covers_a_whole_game_day() -> None:
    assert "checkout" in shipped()
    scenario = load_scenario("checkout")
    runs = " ".join(s.run or "" for s in scenario.steps)
    for command in ("/outage declare", "/outage update", "/outage commander @bob", "/outage ack", "/outage sev 1",
                    "/outage resolve", "/outage postmortem {incident}"):
        assert command in runs, command
    assert [s.click for s in scenario.steps if s.click] == ["Accept", "Confirm", "Edit postmortem"]
    submitted = [dict(s.submit) for s in scenario.steps if s.submit]
    assert [sorted(filled) for filled in submitted] == [["how-it-happened", "what-went-well"]]
    assert all("--drill" in (s.run or "") for s in scenario.steps if (s.run or "").startswith("/outage declare"))
    assert 60 < scenario.length < 900


def test_a_declaration_becomes_a_drill_and_times_are_durations() -> None:
    scenario = parse_scenario(
        '[[steps]]\nafter = "90s"\nas = "bob"\nin = "#general"\nrun = "/outage declare --sev 2 Broken"\n'
        '[[steps]]\nafter = 5\nas = "carol"\nin = "dm"\nclick = "Accept"\n'
        '[[steps]]\nas = "carol"\nsubmit = { summary = "Broken", "What went well?" = "All of it" }\n',
        source="mine.toml",
    )
    first, second, third = scenario.steps
    assert (first.after, first.actor, first.channel, first.run) == (90, "bob", "general",
                                                                    "/outage declare --drill --sev 2 Broken")
    assert (second.after, second.channel, second.click, second.run) == (5, "dm", "Accept", None)
    assert (third.after, third.submit, third.run, third.click) == (
        0, (("summary", "Broken"), ("What went well?", "All of it")), None, None)
    assert third.describe() == "step 3 (carol: submits the form (summary, What went well?))"
    assert scenario.name == "mine"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'x'\n", "mine.toml: no [[steps]]"),
        ("[[steps]]\nas = 'alice'\n", "steps[1]: give exactly one of run"),
        ("[[steps]]\nas = 'alice'\nrun = 'x'\nsubmit = { a = 'b' }\n", "steps[1]: give exactly one of run"),
        ("[[steps]]\nas = 'alice'\nsubmit = { a = 1 }\n", "steps[1].submit: a table of inputs and their text"),
        ("[[steps]]\nas = 'alice'\nsubmit = 'x'\n", "steps[1].submit: a table of inputs and their text"),
        ("[[steps]]\nas = 'alice'\nrun = 'x'\nclick = 'y'\n", "steps[1]: give exactly one of run"),
        (STEP + "[[steps]]\nas = 'zoe'\nrun = 'x'\n", "steps[2].as: 'zoe' is not a person here"),
        (STEP + "[[steps]]\nas = 'bob'\nrun = 'x'\nafter = 'soon'\n", 'steps[2].after: "soon" is not a duration'),
        (STEP + "[[steps]]\nas = 'bob'\nrun = 'x'\nwhen = 1\n", "steps[2]: unknown key(s) when"),
        (STEP + "[[steps]]\nas = 'bob'\nrun = 'x'\nin = 'Big Room'\n", "steps[2].in: 'Big Room' is not a channel"),
        ("[[steps]]\nas = 'bob'\nrun = '/outage declare'\n", "cannot fill the declare form"),
        ("steps = [\n", "mine.toml: not valid TOML"),
        ("title = 'x'\n" + STEP, "unknown key(s) title"),
    ],
)
def test_mistakes_are_named_with_their_step(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="mine.toml")
    assert expected in str(caught.value)


def test_a_scenario_file_by_path_and_unknown_names(tmp_path: Path) -> None:
    path = tmp_path / "drill.toml"
    path.write_text(STEP)
    assert load_scenario(str(path)).steps[0].run == "/outage list"
    with pytest.raises(ScenarioError, match="no shipped scenario named 'nope'; shipped: checkout"):
        load_scenario("nope")
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(str(tmp_path / "missing.toml"))


def test_the_command_refuses_a_bad_scenario_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[steps]]\nas = 'zoe'\nrun = 'x'\n")
    assert main(["playground", "--scenario", str(path)]) == 2
    assert "steps[1].as: 'zoe' is not a person here" in capsys.readouterr().err
    assert main(["playground", "--speed", "0"]) == 2
    assert "--speed must be more than 0" in capsys.readouterr().err


def test_a_taken_port_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["playground", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
