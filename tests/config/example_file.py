"""incidentbot/example.toml as a user gets it from `incidentbot example-config`, and with its examples taken up."""

from __future__ import annotations

import re
from importlib.resources import files

# The commented-out [[divisions]] example: its table headers and keys, each behind "# ".
_EXAMPLE_DIVISION_LINE = re.compile(r"^# (?=\[\[divisions\]\]|name = |channel = |runbook = )", re.MULTILINE)


def example_text() -> str:
    return files("incidentbot").joinpath("example.toml").read_text(encoding="utf-8")


def with_example_divisions(text: str) -> str:
    """``text`` with the example ``[[divisions]]`` uncommented, as a user adapting the file would."""
    return _EXAMPLE_DIVISION_LINE.sub("", text)
