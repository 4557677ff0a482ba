"""Configuration: the environment (secrets, URLs) and the checked-in TOML file (the outage process).

* :class:`Env` is the only place that reads environment variables.
* :class:`BotConfig` is the TOML file, validated: every key is optional, unknown keys are errors.
* :func:`load_settings` puts both together at start-up; every problem becomes a :class:`ConfigError` whose
  message names the file, the key and what is wrong, one line per problem.

Nothing here touches the environment or the file system at import time.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, time, timedelta, tzinfo
from pathlib import Path, PurePath
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from incidentbot.domain.policy import Policy
from incidentbot.durations import describe_value as _describe
from incidentbot.durations import parse_duration

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

DEFAULT_CONFIG_FILE = "incidentbot.toml"
DIVISION_PLACEHOLDER = "{division}"
MAX_CHANNEL_NAME = 80

_CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_ID_PREFIX = re.compile(r"[A-Za-z]{1,10}")
_HH_MM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_TOML_POSITION = re.compile(r"^(?P<message>.*?)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")
_CHANNEL_RULES = 'lowercase letters, digits, "-" and "_", at most 80 characters'


# ----- errors -----------------------------------------------------------------------------------------------


class ConfigError(Exception):
    """A configuration problem, worded for the person starting the bot.

    ``str(error)`` is one line per problem, each starting with the source (a file name, or nothing for
    environment variables, whose names say where they come from).
    """

    def __init__(self, problems: str | Sequence[str], *, source: str | None = None) -> None:
        lines = [problems] if isinstance(problems, str) else list(problems)
        self.problems: tuple[str, ...] = tuple(line for text in lines for line in text.splitlines() if line)
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return "\n".join(prefix + problem for problem in self.problems)


# ----- small validators shared by the models ----------------------------------------------------------------


def is_channel_name(name: str) -> bool:
    """True when ``name`` follows Slack's channel-name rules (lowercase, digits, ``-``/``_``, ≤ 80 chars)."""
    return len(name) <= MAX_CHANNEL_NAME and _CHANNEL_NAME.fullmatch(name) is not None


def _channel_name(value: str) -> str:
    name = value.strip().removeprefix("#")
    if not is_channel_name(name):
        raise ValueError(f"{_describe(value)} is not a valid Slack channel name ({_CHANNEL_RULES})")
    return name


def _http_url(value: str, *, what: str) -> str:
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{_describe(value)} is not {what} (it should look like https://example.com)")
    return text


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


Duration = Annotated[timedelta, PlainValidator(parse_duration)]
"""A positive timedelta read from seconds or a string such as "90s", "15m", "2h", "1h30m"."""


def _user_id(value: str) -> str:
    if not _USER_ID.fullmatch(value):
        raise ValueError(f'{_describe(value)} is not a Slack user id (such as "U012AB3CD")')
    return value


UserId = Annotated[str, AfterValidator(_user_id)]
"""A Slack user id: ``U…`` or ``W…`` (Enterprise Grid), upper case."""


# ----- environment ------------------------------------------------------------------------------------------


def _default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / 'incidentbot.db'}"


class Env(BaseSettings):
    """Environment variables: the only place in incidentbot that reads them.

    Field names are the variable names in lower case (``SLACK_BOT_TOKEN`` → ``slack_bot_token``). Empty
    variables count as unset. Tokens are :class:`SecretStr`, so they never show in logs or tracebacks.
    """

    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, frozen=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = Field(default_factory=_default_database_url)
    incidentbot_config: Path | None = None
    incidentbot_api_token: SecretStr | None = None

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", "incidentbot_api_token")
    @classmethod
    def _strip_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # `export X=$(cat file)` and copy-paste leave newlines and spaces behind.
        if value is None:
            return None
        stripped = value.get_secret_value().strip()
        return SecretStr(stripped) if stripped else None

    @field_validator("slack_api_url")
    @classmethod
    def _normalise_api_url(cls, value: str) -> str:
        url = _http_url(value, what="an http(s) URL")
        return url if url.endswith("/") else url + "/"

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        url = value.strip()
        scheme, sep, rest = url.partition("://")
        if not sep:
            raise ValueError(
                f'"{redact_url(url)}" is not a database URL '
                "(use sqlite:///path/to/incidentbot.db or postgresql://user:password@host/dbname)"
            )
        scheme = scheme.lower()
        if scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg://{rest}"
        if scheme == "sqlite" or scheme.startswith(("sqlite+", "postgresql+")):
            return url
        raise ValueError(
            f'"{scheme}://" databases are not supported (use sqlite:///path/to/incidentbot.db '
            "or postgresql://user:password@host/dbname)"
        )

    @field_validator("incidentbot_config")
    @classmethod
    def _expand_config_path(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # The database URL may carry a password; SecretStr fields already hide themselves.
        for name, value in super().__repr_args__():
            yield name, redact_url(value) if name == "database_url" else value


def load_env() -> Env:
    """Read the environment into an :class:`Env`; a bad value becomes a :class:`ConfigError`."""
    try:
        return Env()
    except ValidationError as error:
        raise ConfigError(_format_validation_error(error, env=True)) from None


_TOKEN_KINDS = {
    "xoxb-": "a bot token",
    "xoxp-": "a user token",
    "xapp-": "an app-level token",
    "xoxe-": "a refresh token",
}


def _token_kind(token: str) -> str:
    for prefix, kind in _TOKEN_KINDS.items():
        if token.startswith(prefix):
            return f"it looks like {kind}"
    return "it does not start with a known Slack token prefix"


def require_slack_credentials(env: Env, *, socket: bool = False) -> None:
    """Check that the Slack credentials needed to connect are present and plausible.

    HTTP mode (``socket=False``) needs ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET``; Socket Mode needs
    ``SLACK_BOT_TOKEN`` and ``SLACK_APP_TOKEN``. Raises :class:`ConfigError`, one line per problem, never
    showing a secret.
    """
    problems: list[str] = []
    bot = env.slack_bot_token.get_secret_value() if env.slack_bot_token else None
    if bot is None:
        problems.append(
            "SLACK_BOT_TOKEN is not set: export the bot token (xoxb-…) from your Slack app's "
            '"OAuth & Permissions" page'
        )
    elif not bot.startswith("xoxb-"):
        problems.append(
            f'SLACK_BOT_TOKEN should start with "xoxb-" ({_token_kind(bot)}): export the "Bot User OAuth '
            'Token" from your Slack app\'s "OAuth & Permissions" page'
        )
    if socket:
        app = env.slack_app_token.get_secret_value() if env.slack_app_token else None
        if app is None:
            problems.append(
                "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with the "
                'connections:write scope, from your Slack app\'s "Basic Information" page'
            )
        elif not app.startswith("xapp-"):
            problems.append(
                f'SLACK_APP_TOKEN should start with "xapp-" ({_token_kind(app)}): Socket Mode needs an '
                'app-level token from your Slack app\'s "Basic Information" page'
            )
    elif env.slack_signing_secret is None:
        problems.append(
            "SLACK_SIGNING_SECRET is not set: export the signing secret from your Slack app's "
            '"Basic Information" page (App Credentials)'
        )
    if problems:
        raise ConfigError(problems)


# ----- the TOML file ----------------------------------------------------------------------------------------


class CadenceConfig(BaseModel):
    """``[cadence]``: how often a status update is due, by severity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sev1: Duration = timedelta(minutes=15)
    sev2: Duration = timedelta(minutes=30)
    sev3: Duration = timedelta(minutes=60)
    sev4: Duration = timedelta(minutes=120)

    def by_severity(self) -> dict[int, timedelta]:
        return {1: self.sev1, 2: self.sev2, 3: self.sev3, 4: self.sev4}


class DivisionConfig(BaseModel):
    """One ``[[divisions]]`` entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    channel: str | None = None
    """The division's outage channel; None means "from the ``division_channel`` pattern"."""
    runbook: str | None = None
    """A file under ``runbooks_dir``, as written in the configuration (see :meth:`BotConfig.runbook_path`)."""

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not is_channel_name(value):
            raise ValueError(f"{_describe(value)} is not a valid division name ({_CHANNEL_RULES})")
        return value

    @field_validator("channel")
    @classmethod
    def _check_channel(cls, value: str | None) -> str | None:
        return None if value is None else _channel_name(value)

    @field_validator("runbook")
    @classmethod
    def _check_runbook(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = PurePath(value.strip())
        if not value.strip() or path.is_absolute() or ".." in path.parts or value.strip().startswith("~"):
            raise ValueError(f'{_describe(value)} is not a file name under runbooks_dir (such as "payments.md")')
        return value.strip()


class BotConfig(BaseModel):
    """The TOML configuration file. Every key is optional; the defaults are PRODUCT.md's.

    Build it with :func:`load_config`; ``runbooks_dir`` is resolved against the ``base_dir`` validation
    context (the configuration file's folder), or the working directory when there is none.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    company_channel: str = "company-outage"
    division_channel: str = "{division}-outage"
    id_prefix: str = "OUT"
    public_url: str = "http://localhost:3000"
    runbooks_dir: Path = Field(default=Path("runbooks"), validate_default=True)
    admins: tuple[UserId, ...] = ()
    timezone: str = "UTC"
    summary_interval: Duration = timedelta(minutes=60)
    daily_digest_at: time = time(9, 0)
    handoff_timeout: Duration = timedelta(minutes=10)
    postmortem_due: Duration = timedelta(days=2)
    cadence: CadenceConfig = Field(default_factory=CadenceConfig)
    divisions: tuple[DivisionConfig, ...] = ()

    # ----- field checks ---------------------------------------------------------------------------------

    @field_validator("company_channel")
    @classmethod
    def _check_company_channel(cls, value: str) -> str:
        return _channel_name(value)

    @field_validator("division_channel")
    @classmethod
    def _check_division_channel(cls, value: str) -> str:
        pattern = value.strip().removeprefix("#")
        if pattern.count(DIVISION_PLACEHOLDER) != 1:
            raise ValueError(f'{_describe(value)} must contain "{DIVISION_PLACEHOLDER}" exactly once')
        if not is_channel_name(pattern.replace(DIVISION_PLACEHOLDER, "x")):
            raise ValueError(
                f"{_describe(value)} does not make valid Slack channel names ({_CHANNEL_RULES}, "
                f'apart from "{DIVISION_PLACEHOLDER}")'
            )
        return pattern

    @field_validator("id_prefix")
    @classmethod
    def _check_id_prefix(cls, value: str) -> str:
        if not _ID_PREFIX.fullmatch(value):
            raise ValueError(f'{_describe(value)} is not a valid prefix (1 to 10 letters, such as "OUT")')
        return value.upper()

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        return _http_url(value, what="an http(s) URL").rstrip("/")

    @field_validator("runbooks_dir")
    @classmethod
    def _resolve_runbooks_dir(cls, value: Path, info: ValidationInfo) -> Path:
        context = info.context if isinstance(info.context, Mapping) else {}
        base = context.get("base_dir")
        base_dir = Path(base) if base is not None else Path.cwd()
        return (base_dir / value.expanduser()).resolve()

    @field_validator("admins")
    @classmethod
    def _dedupe_admins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        if value == "UTC":
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, available_timezones(), n=1)
            hint = f'did you mean "{close[0]}"?' if close else 'use an IANA name such as "Europe/Paris" or "UTC"'
            raise ValueError(f"{_describe(value)} is not a known time zone ({hint})") from None
        return value

    @field_validator("daily_digest_at", mode="before")
    @classmethod
    def _parse_time_of_day(cls, value: object) -> time:
        if isinstance(value, time) and value.tzinfo is None:  # a TOML local time: daily_digest_at = 09:00:00
            return value
        if isinstance(value, str) and (match := _HH_MM.fullmatch(value.strip())):
            return time(int(match.group(1)), int(match.group(2)))
        raise ValueError(f'{_describe(value)} is not a time of day (use "HH:MM", 24-hour, such as "09:00")')

    # ----- checks across keys -----------------------------------------------------------------------------

    @model_validator(mode="after")
    def _check_divisions(self) -> BotConfig:
        problems: list[str] = []
        seen_names: dict[str, int] = {}
        seen_channels: dict[str, int] = {}
        for index, division in enumerate(self.divisions):
            where = f"divisions[{index}]"
            if division.name in seen_names:
                problems.append(
                    f'{where}.name: "{division.name}" is already used by divisions[{seen_names[division.name]}]'
                )
                continue
            seen_names[division.name] = index
            channel = self.channel_for(division.name)
            key = f"{where}.channel" if division.channel else f"{where}.name"
            if division.channel is None and not is_channel_name(channel):
                problems.append(
                    f'{key}: the channel name "{channel}" made from division_channel is longer than '
                    f"{MAX_CHANNEL_NAME} characters (set a shorter channel)"
                )
            elif channel == self.company_channel:
                problems.append(f'{key}: "{channel}" is the company channel, not a division channel')
            elif channel in seen_channels:
                problems.append(f'{key}: channel "{channel}" is already used by divisions[{seen_channels[channel]}]')
            seen_channels[channel] = index
            if division.runbook is not None:
                path = self.runbooks_dir / division.runbook
                if not path.is_file():
                    problems.append(f"{where}.runbook: runbook file {path} does not exist")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    # ----- helpers -----------------------------------------------------------------------------------------

    @property
    def tz(self) -> tzinfo:
        """``timezone`` as a tzinfo."""
        try:
            return ZoneInfo(self.timezone)
        except ZoneInfoNotFoundError:  # only "UTC" gets here, on a system without a time zone database
            return UTC

    @property
    def admin_ids(self) -> frozenset[str]:
        return frozenset(self.admins)

    @property
    def divisions_restricted(self) -> bool:
        """True when ``[[divisions]]`` lists the divisions; False means any division name is accepted."""
        return bool(self.divisions)

    def division(self, name: str) -> DivisionConfig | None:
        """The configured division called ``name`` (exact match), or None."""
        return next((division for division in self.divisions if division.name == name), None)

    def channel_for(self, division: str) -> str:
        """The outage channel of ``division``: its configured channel, else the ``division_channel`` pattern."""
        configured = self.division(division)
        if configured is not None and configured.channel is not None:
            return configured.channel
        return self.division_channel.replace(DIVISION_PLACEHOLDER, division)

    def division_for_channel(self, channel_name: str) -> str | None:
        """The division whose outage channel is ``channel_name`` (with or without ``#``), or None.

        Configured channels are matched first, then the ``division_channel`` pattern (``payments-outage`` →
        ``payments``); when divisions are configured, a pattern match must name one of them. The company
        channel is never a division channel.
        """
        name = channel_name.strip().removeprefix("#")
        if not name or name == self.company_channel:
            return None
        for division in self.divisions:
            if self.channel_for(division.name) == name:
                return division.name
        before, _, after = self.division_channel.partition(DIVISION_PLACEHOLDER)
        if len(name) <= len(before) + len(after) or not (name.startswith(before) and name.endswith(after)):
            return None
        candidate = name[len(before) : len(name) - len(after)]
        if not _CHANNEL_NAME.fullmatch(candidate):
            return None
        if self.divisions_restricted and self.division(candidate) is None:
            return None
        return candidate

    def runbook_path(self, division: str) -> Path | None:
        """The runbook file configured for ``division`` (absolute), or None."""
        configured = self.division(division)
        if configured is None or configured.runbook is None:
            return None
        return self.runbooks_dir / configured.runbook

    def policy(self) -> Policy:
        """The timing rules incidents run on, from ``[cadence]``, ``handoff_timeout`` and ``postmortem_due``."""
        return Policy(
            cadence=self.cadence.by_severity(),
            handoff_timeout=self.handoff_timeout,
            postmortem_due=self.postmortem_due,
            timezone=self.tz,
        )


# ----- turning pydantic's errors into sentences -------------------------------------------------------------

_MODEL_AT: dict[tuple[str, ...], type[BaseModel]] = {
    (): BotConfig,
    ("cadence",): CadenceConfig,
    ("divisions",): DivisionConfig,
}

_EXPECTED = {
    "string_type": "a string",
    "str_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "path_type": "a string (a path)",
    "time_type": 'a time of day such as "09:00"',
}


def _key_path(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _unknown_key(loc: Sequence[int | str]) -> str:
    key = str(loc[-1])
    parent = loc[:-1]
    model = _MODEL_AT.get(tuple(str(part) for part in parent if not isinstance(part, int)))
    known = list(model.model_fields) if model else []
    lowered = {name.lower(): name for name in known}
    close = [lowered[key.lower()]] if key.lower() in lowered else difflib.get_close_matches(key, known, n=1)
    if close:
        hint = f' (did you mean "{close[0]}"?)'
    elif known:
        hint = f" (known keys: {', '.join(known)})"
    else:
        hint = ""
    prefix = f"{_key_path(parent)}: " if parent else ""
    return f'{prefix}unknown key "{key}"{hint}'


def _problem(error: Mapping[str, Any], *, env: bool) -> list[str]:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    kind = error["type"]
    where = "_".join(str(part) for part in loc).upper() if env else _key_path(loc)
    if kind == "extra_forbidden" and not env:
        return [_unknown_key(loc)]
    if kind == "missing" and not env:
        parent = _key_path(loc[:-1])
        return [f'{parent + ": " if parent else ""}missing required key "{loc[-1]}"']
    if kind == "value_error" and "error" in error.get("ctx", {}):
        message = str(error["ctx"]["error"])
    elif kind == "missing":
        message = "is not set"
    elif kind in _EXPECTED:
        expected = _EXPECTED[kind]
        if loc == ("divisions",):
            expected = "an array of tables ([[divisions]])"
        message = f"expected {expected}, got {_describe(error['input'])}"
    else:
        message = str(error["msg"])
    lines = message.splitlines() or [message]
    # A cross-key check already names its keys in each line; other messages get the key in front.
    return [f"{where}: {line}" if where else line for line in lines]


def _format_validation_error(error: ValidationError, *, env: bool = False) -> list[str]:
    problems: list[str] = []
    for item in error.errors(include_url=False):
        problems.extend(_problem(item, env=env))
    return problems


# ----- loading ----------------------------------------------------------------------------------------------


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
        raise ConfigError(_format_validation_error(error), source=source) from None


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
