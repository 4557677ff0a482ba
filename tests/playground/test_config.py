"""`incidentbot playground` finds the team's configuration file as the other commands do."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentbot.cli import main
from incidentbot.playground.command import team_config

DIVISIONS = '[[divisions]]\nname = "payments"\n'


def test_config_then_the_variable_then_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INCIDENTBOT_CONFIG", raising=False)
    assert team_config(None) == (None, None)

    (tmp_path / "incidentbot.toml").write_text(DIVISIONS)
    config, path = team_config(None)
    assert path == tmp_path / "incidentbot.toml"
    assert config is not None and [d.name for d in config.divisions] == ["payments"]

    named = tmp_path / "named.toml"
    named.write_text('timezone = "Europe/Paris"\n')
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(named))
    config, path = team_config(None)
    assert path == named and config is not None and (config.timezone, config.divisions) == ("Europe/Paris", ())

    given = tmp_path / "given.toml"
    given.write_text('id_prefix = "INC"\n')
    config, path = team_config(given)
    assert path == given and config is not None and config.id_prefix == "INC"


def test_a_missing_or_wrong_file_stops_the_playground_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INCIDENTBOT_CONFIG", str(tmp_path / "gone.toml"))
    assert main(["playground"]) == 2
    assert "configuration file not found (named by INCIDENTBOT_CONFIG)" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('timezone = "Mars/Olympus"\n')
    assert main(["playground", "--config", str(bad)]) == 2
    assert "is not a known time zone" in capsys.readouterr().err
