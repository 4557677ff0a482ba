"""The environment variables (secrets, URLs): the only place in incidentbot that reads them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from incidentbot.config.errors import ConfigError, format_validation_error
from incidentbot.config.fields import http_url


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***``, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _parsable(given: str, url: str) -> str:
    """``url`` if SQLAlchemy can read it; else ValueError naming ``given`` (without its password)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as error:
        raise ValueError(f'"{redact_url(given)}" is not a valid database URL ({error})') from None
    if parsed.get_backend_name() == "sqlite" and parsed.host:
        raise ValueError(
            f'"{redact_url(given)}" is not a valid SQLite URL (use three slashes for a relative path, '
            "sqlite:///incidentbot.db, four for an absolute one, sqlite:////var/lib/incidentbot.db)"
        )
    return url


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
    # prometheus-client's multi-process mode (several worker processes behind one /metrics): it reads the
    # variable itself; we read it to know which registry a scrape shows.
    prometheus_multiproc_dir: str | None = None

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
        url = http_url(value, what="an http(s) URL")
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
            return _parsable(url, f"postgresql+psycopg://{rest}")
        if scheme == "sqlite" or scheme.startswith(("sqlite+", "postgresql+")):
            return _parsable(url, url)
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
        raise ConfigError(format_validation_error(error, env=True)) from None


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
