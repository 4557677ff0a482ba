"""The `incidentbot` command line, run as a person runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidentbot.cli import EXIT_SIGPIPE
from incidentbot.emulator import FakeSlack
from tests.cli.running import SLACK_ENV, run, run_into_closed_pipe
from tests.config.example_file import with_example_divisions
from tests.support.harness import start_harness


def test_manifest_is_complete_json(tmp_path: Path) -> None:
    result = run("manifest", "--request-url", "https://bot.example.com/slack/events", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/outage" and command["url"] == "https://bot.example.com/slack/events"
    assert command["should_escape"] is True
    assert manifest["settings"]["interactivity"]["request_url"] == "https://bot.example.com/slack/events"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "channels:manage", "channels:join", "im:write"} <= scopes
    socket = json.loads(run("manifest", "--socket", cwd=tmp_path).stdout)
    assert socket["settings"]["socket_mode_enabled"] is True and "url" not in socket["features"]["slash_commands"][0]


def test_db_upgrade_creates_the_default_sqlite_file(tmp_path: Path) -> None:
    result = run("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "incidentbot.db").exists() and "up to date" in result.stdout
    assert run("db", "upgrade", cwd=tmp_path).returncode == 0  # idempotent


def test_check_config_names_the_bad_key_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "incidentbot.toml").write_text('summary_interval = "soon"\n')
    result = run("check-config", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert result.returncode == 2
    assert "summary_interval" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "incidentbot.toml").write_text('summary_interval = "30m"\n')
    ok = run("check-config", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize(("command", "missing"), [(["serve"], "SLACK_BOT_TOKEN"), (["socket"], "SLACK_APP_TOKEN")])
def test_missing_tokens_stop_start_up_with_a_clear_line(tmp_path: Path, command: list[str], missing: str) -> None:
    env = {"SLACK_SIGNING_SECRET": "s"} if command == ["serve"] else {"SLACK_BOT_TOKEN": "xoxb-1"}
    result = run(*command, cwd=tmp_path, env=env)
    assert result.returncode == 2 and missing in result.stderr and "Traceback" not in result.stderr


def test_no_command_prints_help(tmp_path: Path) -> None:
    result = run(cwd=tmp_path)
    assert result.returncode == 2 and "serve" in result.stdout


def test_postmortem_prints_markdown(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path) as bot:
        bot.reply("declare --division payments --sev 2 Card payments failing")
        bot.reply("set OUT-1 impact=EU card payments root-cause=expired certificate")
        bot.delivered()
    result = run("postmortem", "OUT-1", cwd=tmp_path, env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Postmortem: OUT-1")
    assert "expired certificate" in result.stdout and "What went well?" in result.stdout
    missing = run("postmortem", "OUT-42", cwd=tmp_path, env={"DATABASE_URL": database_url})
    assert missing.returncode == 1 and "OUT-42" in missing.stderr
    code, stderr = run_into_closed_pipe("postmortem", "OUT-1", cwd=tmp_path, env={"DATABASE_URL": database_url})
    assert (code, stderr) == (EXIT_SIGPIPE, "")  # `incidentbot postmortem OUT-1 | head`


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["manifest"], EXIT_SIGPIPE), (["example-config"], EXIT_SIGPIPE), (["check-config"], EXIT_SIGPIPE),
     ([], 2), (["--help"], 0)],  # argparse itself ignores a failed write of its help
)
def test_printing_commands_stop_quietly_when_the_reader_goes(args: list[str], expected: int, tmp_path: Path) -> None:
    code, stderr = run_into_closed_pipe(*args, cwd=tmp_path, env=SLACK_ENV)
    assert (code, stderr) == (expected, "")


def test_example_config_passes_its_own_check_in_an_empty_folder(tmp_path: Path) -> None:
    result = run("example-config", cwd=tmp_path)
    assert result.returncode == 0 and "[cadence]" in result.stdout
    (tmp_path / "incidentbot.toml").write_text(result.stdout)
    checked = run("check-config", cwd=tmp_path, env=SLACK_ENV)
    assert checked.returncode == 0, checked.stderr
    assert "0 division(s)" in checked.stdout
    assert sorted(path.name for path in tmp_path.iterdir()) == ["incidentbot.toml"]  # no database made


def test_example_config_is_printed_and_valid(tmp_path: Path) -> None:
    result = run("example-config", cwd=tmp_path)
    assert result.returncode == 0 and "[cadence]" in result.stdout
    (tmp_path / "incidentbot.toml").write_text(with_example_divisions(result.stdout))  # the examples taken up
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "payments.md").write_text("# Payments\n")
    checked = run("check-config", cwd=tmp_path, env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert checked.returncode == 0, checked.stderr
    assert "2 division(s)" in checked.stdout
