"""The after-the-outage keys: `causes` and `weekly_report_at`."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from incidentbot.config import BotConfig, ConfigError, load_config
from tests.config.test_config import write


def test_defaults_are_products() -> None:
    config = BotConfig()
    assert config.causes == ("deploy", "config", "capacity", "dependency", "infrastructure", "third-party",
                             "unknown")
    assert (config.weekly_report_at.weekday, config.weekly_report_at.at) == (0, time(9, 0))


def test_keys_are_read(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'causes = ["Deploy", "network"]\nweekly_report_at = "Friday 16:30"\n'))
    assert config.causes == ("deploy", "network")
    assert (config.weekly_report_at.weekday, config.weekly_report_at.at) == (4, time(16, 30))


@pytest.mark.parametrize(("text", "problem"), [
    ('weekly_report_at = "someday 09:00"', 'weekly_report_at: "someday 09:00" is not a day and time'),
    ('weekly_report_at = "mon 25:00"', "is not a day and time"),
    ('causes = ["two words"]', "causes: must list one-word causes"),
    ("causes = []", "causes: must list one-word causes"),
])  # fmt: skip
def test_bad_values_name_the_key(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text + "\n"))
    assert problem in str(caught.value)
