"""A team's own scenario, on its own configuration: {incident} follows the team's id prefix, a form is filled in,
and a step that cannot be played is reported without stopping the game day."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

SCENARIO = """
[[steps]]
as = "alice"
run = "/outage postmortem {incident}"

[[steps]]
as = "alice"
run = "/outage declare --division payments --sev 3 Refunds are slow"

[[steps]]
as = "alice"
in = "payments-outage"
run = "/outage postmortem {incident}"

[[steps]]
as = "alice"
click = "Edit postmortem"

[[steps]]
as = "alice"
submit = { "What else did we learn?" = "Refunds have no alert", root-cause = "A stuck queue" }
"""


def test_a_teams_scenario_on_its_configuration(playground_process: Any, tmp_path: Path) -> None:
    (tmp_path / "team.toml").write_text('id_prefix = "PAY"\n[[divisions]]\nname = "payments"\n')
    (tmp_path / "drill.toml").write_text(SCENARIO)
    play = playground_process("--config", str(tmp_path / "team.toml"), "--scenario", str(tmp_path / "drill.toml"),
                              "--speed", "50")  # fmt: skip
    play.wait_for_line(r"scenario drill finished with 1 problem\(s\)", timeout=40)
    output = play.output()
    assert "scenario step 1 (alice: /outage postmortem {incident}) failed: {incident} names the outage the " \
        "scenario declared, and it has declared none yet" in output  # fmt: skip
    assert "scenario 3/5: alice /outage postmortem PAY-1" in output
    incident = play.api("/incidents/PAY-1")
    assert (incident["drill"], incident["division"]) == (True, "payments")
    document = play.api("/incidents/PAY-1/postmortem")
    edited = {s["key"]: s["text"] for s in document["sections"] if s["edited"]}
    assert edited == {"what-else-we-learned": "Refunds have no alert", "root-cause": "A stuck queue"}
