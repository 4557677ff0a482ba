"""Reading the configuration at start-up: find and parse the TOML file, then put it with the environment."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from incidentbot.config.bot import TABLE_MODELS, BotConfig
from incidentbot.config.env import Env, load_env
from incidentbot.config.errors import ConfigError, format_validation_error

DEFAULT_CONFIG_FILE = "incidentbot.toml"

_TOML_POSITION = re.compile(r"^(?P<message>.*?)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def config_from_mapping(
    data: Mapping[str, Any], *, base_dir: Path | None = None, source: str | None = None
) -> BotConfig:
    """Validate already-parsed TOML ``data``; ``runbooks_dir`` is resolved against ``base_dir`` (default: cwd).

    Raises :class:`ConfigError` naming ``source`` (the file, for messages) and the keys at fault.
    """
    context = {"base_dir": base_dir if base_dir is not None else Path.cwd()}
    try:
        return BotConfig.model_validate(dict(data), context=context)
    except ValidationError as error:
        raise ConfigError(format_validation_error(error, tables=TABLE_MODELS), source=source) from None


def load_config(path: Path | None) -> BotConfig:
    """Read and validate the TOML configuration file at ``path``; None means all defaults.

    Relative paths in the file (``runbooks_dir``) are relative to the file's folder; with no file, to the
    working directory. Raises :class:`ConfigError` for a missing or unreadable file, invalid TOML, unknown
    keys and bad values, naming the file and the key.
    """
    if path is None:
        return config_from_mapping({})
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("configuration file not found", source=source) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a configuration file", source=source) from None
    except OSError as error:
        raise ConfigError(f"cannot read the configuration file: {error.strerror or error}", source=source) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"not valid UTF-8 (byte {error.start}); TOML files are UTF-8", source=source) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_POSITION.match(str(error))
        if match:
            message = f"line {match['line']}, column {match['column']}: invalid TOML: {match['message']}"
        else:
            message = f"invalid TOML: {error}"
        raise ConfigError(message, source=source) from None
    return config_from_mapping(data, base_dir=path.absolute().parent, source=source)


def find_config_path(env: Env) -> Path | None:
    """The configuration file to use: ``INCIDENTBOT_CONFIG`` (which must exist), else ``./incidentbot.toml``
    when it exists, else None (all defaults)."""
    if env.incidentbot_config is not None:
        if not env.incidentbot_config.exists():
            raise ConfigError(
                "configuration file not found (named by INCIDENTBOT_CONFIG)", source=str(env.incidentbot_config)
            )
        return env.incidentbot_config
    candidate = Path(DEFAULT_CONFIG_FILE)
    return candidate if candidate.is_file() else None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot is configured with: the environment and the configuration file."""

    env: Env
    bot: BotConfig
    config_path: Path | None
    """The configuration file that was read (absolute), or None when the defaults are in use."""


def load_settings(config_path: Path | None = None) -> Settings:
    """Read the environment and the configuration file (``config_path``, else :func:`find_config_path`).

    Raises :class:`ConfigError`. Slack credentials are not checked here: see
    :func:`require_slack_credentials`, which only the commands that talk to Slack need.
    """
    env = load_env()
    path = config_path if config_path is not None else find_config_path(env)
    bot = load_config(path)
    return Settings(env=env, bot=bot, config_path=path.absolute() if path is not None else None)
