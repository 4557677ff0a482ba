"""`incidentbot serve` as a person runs it: a real process, a real port, the fake Slack behind SLACK_API_URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidentbot.emulator import FakeSlack
from tests.support.process import ServeProcess

pytestmark = pytest.mark.slow


def test_serve_with_no_database_set_up_creates_sqlite_and_runs_an_outage(fake_slack: FakeSlack,
                                                                        tmp_path: Path) -> None:
    server = ServeProcess(database_url="", slack_api_url=fake_slack.url, workdir=tmp_path)
    server.env.pop("DATABASE_URL")  # the default: ./incidentbot.db in the working directory
    with server:
        assert (tmp_path / "incidentbot.db").exists()
        assert server.command("declare --division payments --sev 2 Card payments failing").status_code == 200
        fake_slack.wait_for(lambda: fake_slack.channel("payments-outage") and fake_slack.messages("payments-outage"))
        root = fake_slack.messages("payments-outage")[0]
        assert "OUT-1" in json.dumps(root.blocks)
        assert server.api("/api/incidents/OUT-1").json()["thread_ts"] in (None, root.ts)
        health = server.api("/healthz").json()
        assert health["ok"] is True


def test_serve_refuses_to_start_without_tokens(tmp_path: Path) -> None:
    server = ServeProcess(database_url=f"sqlite:///{tmp_path}/x.db", slack_api_url="http://127.0.0.1:9/api/",
                          workdir=tmp_path)
    server.env.pop("SLACK_SIGNING_SECRET")
    with pytest.raises(AssertionError, match="SLACK_SIGNING_SECRET"):
        server.start(timeout=10)


def test_serve_refuses_a_bad_config_file_naming_the_key(tmp_path: Path) -> None:
    server = ServeProcess(database_url=f"sqlite:///{tmp_path}/x.db", slack_api_url="http://127.0.0.1:9/api/",
                          workdir=tmp_path, config='[cadence]\nsev1 = "fifteen"\n')
    with pytest.raises(AssertionError, match=r"cadence\.sev1"):
        server.start(timeout=10)
