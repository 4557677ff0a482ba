"""One process: the Slack workspace emulator with its page on --port, and the real bot (build_bot: the same Bolt
app, handlers, outbox and scheduler as `serve`) on the next free port, on a SQLite file in a temporary folder.

The bot reaches the emulator through its Slack API URL exactly as it reaches Slack (DESIGN.md section 8), and the
emulator reaches the bot through its request URL with signed requests, as Slack does. No environment variable is
read: the settings are built here, with a signing secret made up for this run. A team's own configuration file
(``incidentbot playground --config FILE``: divisions, cadence, time zone...) is used as given, but for what the
playground owns: the Slack URL and tokens, the SQLite file, and ``public_url`` (the bot's own port).
"""

from __future__ import annotations

import logging
import secrets
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from incidentbot.bootstrap import Bot, Options, build_bot
from incidentbot.config import BotConfig, ConfigError, Env, Settings, config_from_mapping
from incidentbot.emulator.people import People
from incidentbot.emulator.ui import SlackEmulator
from incidentbot.playground.actors import ScenarioRunner
from incidentbot.playground.scenario import Scenario

BOT_TOKEN = "xoxb-playground"
PEOPLE = ("U0ALICE", "U0BOB", "U0CAROL", "U0DAVE")


@dataclass
class Playground:
    slack: SlackEmulator
    bot: Bot
    bot_url: str
    folder: Path
    runner: ScenarioRunner | None = None

    @property
    def url(self) -> str:
        return f"{self.slack.base_url}/"

    def close(self) -> None:
        if self.runner is not None:
            self.runner.stop()
        self.slack.stop()
        self.bot.db.dispose()


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def start_playground(*, host: str, port: int, folder: Path, bot_port: int | None = None,
                     config: BotConfig | None = None) -> Playground:  # fmt: skip
    """Start the emulator (its page and Web API) and build the bot; the caller serves ``bot.web`` on bot_url.
    ``config`` is the team's configuration (None: the defaults)."""
    slack = SlackEmulator(token=BOT_TOKEN, host=host, port=port)
    try:
        slack.start()
    except OSError as error:
        raise ConfigError(f"cannot listen on {host}:{port} ({error.strerror}); choose another --port") from None
    try:
        bot_port = bot_port or free_port(host)
        bot_url = f"http://{host}:{bot_port}"
        secret = secrets.token_hex(16)
        settings = _settings(slack, bot_url, secret, folder, config)
        bot = build_bot(settings, Options(poll_interval=0.2, tick_interval=1.0))
    except BaseException:
        slack.stop()
        raise
    _furnish(slack)
    slack.connect(f"{bot_url}/slack/events", secret, **{"Incidents page": f"{bot_url}/incidents",
                                                        "JSON API": f"{bot_url}/api/incidents"})  # fmt: skip
    return Playground(slack=slack, bot=bot, bot_url=bot_url, folder=folder)


def _settings(slack: SlackEmulator, bot_url: str, secret: str, folder: Path, config: BotConfig | None) -> Settings:
    env = Env(
        slack_bot_token=SecretStr(BOT_TOKEN), slack_signing_secret=SecretStr(secret), slack_app_token=None,
        slack_api_url=slack.url, database_url=f"sqlite:///{folder / 'playground.db'}", incidentbot_config=None,
        incidentbot_api_token=None,
    )  # fmt: skip
    if config is None:
        bot_config = config_from_mapping({"public_url": bot_url}, base_dir=folder, source="the playground")
    else:  # links in messages must lead to this bot, whatever the team's public_url says
        bot_config = config.model_copy(update={"public_url": bot_url})
    return Settings(env=env, bot=bot_config, config_path=None)


def _furnish(slack: SlackEmulator) -> None:
    """A workspace as people find it: #general with everyone in it, and each person's DM with the app."""
    slack.create_channel("general", members=PEOPLE)
    for user in PEOPLE:
        slack.dm_with(user)


def serve(playground: Playground, *, log_level: str, on_ready: Callable[[], None]) -> None:
    """Serve the bot's web app (its /slack/events and pages; starting it starts the outbox and the scheduler)
    until Ctrl-C or SIGTERM. ``on_ready`` runs once the bot listens."""
    import uvicorn

    bot_port = int(playground.bot_url.rsplit(":", 1)[1])
    server = uvicorn.Server(uvicorn.Config(playground.bot.web, host=playground.slack.host, port=bot_port,
                                           log_level=log_level.lower(), access_log=False))  # fmt: skip

    def when_started() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            on_ready()

    threading.Thread(target=when_started, name="playground-ready", daemon=True).start()
    server.run()


def run_playground(*, host: str, port: int, scenario: Scenario | None, speed: float, log_level: str,
                   say: Callable[[str], None] = print, config: BotConfig | None = None) -> int:  # fmt: skip
    logging.getLogger("incidentbot").setLevel(log_level)
    with tempfile.TemporaryDirectory(prefix="incidentbot-playground-") as tmp:
        playground = start_playground(host=host, port=port, folder=Path(tmp), config=config)
        # uvicorn stops gracefully on SIGTERM, then raises the signal again: ending with SystemExit instead of dying
        # by the signal lets the temporary folder (the database) be removed. Ctrl-C ends with KeyboardInterrupt.
        signal.signal(signal.SIGTERM, _exit_quietly)
        if scenario is not None:
            def tell(line: str) -> None:
                playground.slack.banner = line
                say(line)

            playground.runner = ScenarioRunner(scenario, playground.slack, _people(playground), speed=speed, say=tell)

        def ready() -> None:
            say(f"incidentbot playground: open {playground.url}")
            say(f"the bot: {playground.bot_url} (pages at {playground.bot_url}/incidents); Ctrl-C stops")
            if playground.runner is not None:
                playground.runner.start()

        try:
            serve(playground, log_level=log_level, on_ready=ready)
        finally:
            playground.close()
    return 0


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _people(playground: Playground) -> People:
    assert playground.slack.people is not None
    return playground.slack.people
