"""`incidentbot playground`: its arguments and what it runs (cli.py adds it to the other sub-commands)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from incidentbot.config import BotConfig, ConfigError


def add_playground(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    play = sub.add_parser("playground", help="try the bot with no Slack: a local workspace and its web page")
    play.add_argument("--port", type=int, default=3000, help="port of the page (default 3000)")
    play.add_argument("--host", default="127.0.0.1",
                      help="address to listen on (default 127.0.0.1; whoever reaches the page can act as anyone)")
    play.add_argument("--scenario", help="play a scripted game day: a shipped name (checkout) or a .toml file")
    play.add_argument("--speed", type=float, default=1.0, help="scenario speed: its waits are divided by this")
    play.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: `incidentbot --help` and the other commands need none of the bot or the emulator.
    from incidentbot.playground.run import run_playground
    from incidentbot.playground.scenario import ScenarioError, load_scenario

    if args.speed <= 0:
        raise ConfigError(f"--speed must be more than 0, got {args.speed}")
    try:
        scenario = load_scenario(args.scenario) if args.scenario else None
    except ScenarioError as error:
        raise ConfigError(str(error)) from None
    config, path = team_config(args.config)
    if path is not None:
        print(f"incidentbot playground: using the configuration in {path}", flush=True)
    return run_playground(host=args.host, port=args.port, scenario=scenario, speed=args.speed, config=config,
                          log_level=args.log_level, say=lambda line: print(line, flush=True))  # fmt: skip


def team_config(given: Path | None) -> tuple[BotConfig | None, Path | None]:
    """The team's configuration file, found as the other commands find it: ``--config``, else
    ``INCIDENTBOT_CONFIG`` (the one variable read here), else ./incidentbot.toml when present; None: defaults."""
    from incidentbot.config.loading import DEFAULT_CONFIG_FILE, load_config

    named = os.environ.get("INCIDENTBOT_CONFIG", "").strip()
    if given is not None:
        path: Path | None = given
    elif named:
        path = Path(named).expanduser()
        if not path.exists():
            raise ConfigError("configuration file not found (named by INCIDENTBOT_CONFIG)", source=named)
    else:
        path = Path(DEFAULT_CONFIG_FILE) if Path(DEFAULT_CONFIG_FILE).is_file() else None
    if path is None:
        return None, None
    return load_config(path), path.absolute()
