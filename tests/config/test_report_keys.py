"""The report keys (`triage_channel`, `report_response`, `responders`): defaults as promised, bad values refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from incidentbot.config import config_from_mapping
from incidentbot.config.errors import ConfigError


def test_defaults_are_the_contract(tmp_path: Path) -> None:
    config = config_from_mapping({}, base_dir=tmp_path)
    assert config.triage_channel == "company-outage"
    assert config.report_response == timedelta(minutes=15)
    assert config.responders == ()


def test_people_and_user_groups_are_accepted(tmp_path: Path) -> None:
    config = config_from_mapping({"triage_channel": "#triage", "report_response": "5m",
                                  "responders": ["U0DAVE", "S0ONCALL", "W0GRID"]}, base_dir=tmp_path)  # fmt: skip
    assert config.triage_channel == "triage" and config.report_response == timedelta(minutes=5)
    assert config.responders == ("U0DAVE", "S0ONCALL", "W0GRID")


@pytest.mark.parametrize(("values", "said"), [
    ({"responders": ["@dave"]}, "responders[0]"), ({"responders": ["C0CHANNEL"]}, "user-group id"),
    ({"triage_channel": "Triage Room"}, "triage_channel"), ({"report_response": "soon"}, "not a duration"),
])  # fmt: skip
def test_bad_values_are_refused_with_the_key_named(tmp_path: Path, values: dict[str, object], said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        config_from_mapping(values, base_dir=tmp_path)
    assert said in str(refused.value)
