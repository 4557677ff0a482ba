"""`serve --port` with public_url left at its default warns once at start-up that links point elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidentbot.cli import public_url_mismatch
from incidentbot.config import Env, Settings, config_from_mapping
from incidentbot.emulator import FakeSlack
from tests.support.process import ServeProcess

WARNING = "public_url is the default http://localhost:3000"


def _settings(**config: object) -> Settings:
    return Settings(env=Env(), bot=config_from_mapping(config), config_path=None)


@pytest.mark.parametrize(
    ("config", "port", "warns"),
    [
        ({}, 3000, False),  # the default URL and the default port: they match
        ({}, 18000, True),
        ({"public_url": "http://localhost:3000"}, 18000, True),  # the default, copied from example-config
        ({"public_url": "http://localhost:18000"}, 18000, False),
        ({"public_url": "http://localhost:8080"}, 3000, False),  # docker -p 8080:3000
        ({"public_url": "https://bot.example.com"}, 18000, False),  # behind a proxy
    ],
)
def test_the_rule(config: dict[str, object], port: int, warns: bool) -> None:
    warning = public_url_mismatch(_settings(**config), port)
    assert (warning is not None) == warns
    if warning:
        assert warning.startswith(WARNING) and f"listens on port {port}" in warning
        assert f'"http://localhost:{port}"' in warning


@pytest.mark.slow
@pytest.mark.parametrize(("config", "warns"), [(None, True), ('public_url = "https://bot.example.com"\n', False)])
def test_serve_on_another_port_warns_in_one_line(fake_slack: FakeSlack, tmp_path: Path, config: str | None,
                                                 warns: bool) -> None:
    server = ServeProcess(database_url=f"sqlite:///{tmp_path / 'bot.db'}", slack_api_url=fake_slack.url,
                          workdir=tmp_path, config=config)
    with server:
        pass
    warnings = [line for line in server.log().splitlines() if "public_url" in line]
    if warns:
        assert len(warnings) == 1 and "WARNING" in warnings[0] and WARNING in warnings[0], server.log()
        assert f"listens on port {server.port}" in warnings[0]
    else:
        assert warnings == [], server.log()
    assert "Traceback" not in server.log()
