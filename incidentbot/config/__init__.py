"""Configuration: the environment (secrets, URLs) and the checked-in TOML file (the outage process).

* :class:`Env` (``env.py``) is the only place that reads environment variables.
* :class:`BotConfig` (``bot.py``, with its tables in ``tables.py``) is the TOML file, validated: every key is
  optional, unknown keys are errors.
* :func:`load_settings` (``loading.py``) puts both together at start-up; every problem becomes a
  :class:`ConfigError` (``errors.py``) whose message names the file, the key and what is wrong, one line per
  problem.

Nothing here touches the environment or the file system at import time.
"""

from incidentbot.config.bot import BotConfig
from incidentbot.config.env import Env, load_env, redact_url, require_slack_credentials
from incidentbot.config.errors import ConfigError
from incidentbot.config.fields import Duration, is_channel_name
from incidentbot.config.loading import (
    DEFAULT_CONFIG_FILE,
    Settings,
    config_from_mapping,
    find_config_path,
    load_config,
    load_settings,
)
from incidentbot.config.tables import CadenceConfig, DivisionConfig

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "BotConfig",
    "CadenceConfig",
    "ConfigError",
    "DivisionConfig",
    "Duration",
    "Env",
    "Settings",
    "config_from_mapping",
    "find_config_path",
    "is_channel_name",
    "load_config",
    "load_env",
    "load_settings",
    "redact_url",
    "require_slack_credentials",
]
