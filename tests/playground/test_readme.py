"""The README leads with the playground, and documents the scenario format the code reads."""

from __future__ import annotations

import re
from pathlib import Path

from incidentbot.playground.scenario import STEP_KEYS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_first_command_of_the_readme_is_the_playground() -> None:
    first = README.read_text(encoding="utf-8").split("```sh\n")[1].split("```")[0].strip()
    assert first == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/incidentbot playground"


def test_the_readme_scenario_table_lists_every_step_key() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Scenarios") : text.index("## Try it without Slack, from a shell")]
    assert set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M)) == STEP_KEYS
