"""The TOML configuration file's model: BotConfig, its checks, its division look-ups and policy()."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import UTC, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from incidentbot.config.fields import (
    CHANNEL_NAME,
    CHANNEL_RULES,
    MAX_CHANNEL_NAME,
    Duration,
    ResponderId,
    UserId,
    channel_name,
    http_url,
    is_channel_name,
)
from incidentbot.config.tables import CadenceConfig, DivisionConfig
from incidentbot.config.weekly import WeeklyTime
from incidentbot.domain.bookkeeping import DEFAULT_CAUSES
from incidentbot.domain.policy import Policy
from incidentbot.durations import describe_value as _describe

DIVISION_PLACEHOLDER = "{division}"

_ID_PREFIX = re.compile(r"[A-Za-z]{1,10}")
_CAUSE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_HH_MM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


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
    public_pages: bool = False  # anyone who reaches the server may read /incidents and /incidents/{id}
    summary_interval: Duration = timedelta(minutes=60)
    daily_digest_at: time = time(9, 0)
    handoff_timeout: Duration = timedelta(minutes=10)
    postmortem_due: Duration = timedelta(days=2)
    triage_channel: str = "company-outage"
    report_response: Duration = timedelta(minutes=15)
    responders: tuple[ResponderId, ...] = ()
    causes: tuple[str, ...] = DEFAULT_CAUSES
    weekly_report_at: WeeklyTime = WeeklyTime(weekday=0, at=time(9, 0))
    cadence: CadenceConfig = Field(default_factory=CadenceConfig)
    divisions: tuple[DivisionConfig, ...] = ()

    # ----- field checks ---------------------------------------------------------------------------------

    @field_validator("company_channel")
    @classmethod
    def _check_company_channel(cls, value: str) -> str:
        return channel_name(value)

    @field_validator("triage_channel")
    @classmethod
    def _check_triage_channel(cls, value: str) -> str:
        return channel_name(value)

    @field_validator("division_channel")
    @classmethod
    def _check_division_channel(cls, value: str) -> str:
        pattern = value.strip().removeprefix("#")
        if pattern.count(DIVISION_PLACEHOLDER) != 1:
            raise ValueError(f'{_describe(value)} must contain "{DIVISION_PLACEHOLDER}" exactly once')
        if not is_channel_name(pattern.replace(DIVISION_PLACEHOLDER, "x")):
            raise ValueError(
                f"{_describe(value)} does not make valid Slack channel names ({CHANNEL_RULES}, "
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
        return http_url(value, what="an http(s) URL").rstrip("/")

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

    @field_validator("causes")
    @classmethod
    def _check_causes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        words = tuple(dict.fromkeys(v.strip().lower() for v in value))
        if not words or any(not _CAUSE.fullmatch(w) for w in words):
            raise ValueError('must list one-word causes (letters, digits, "-"), such as ["deploy", "config"]')
        return words

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
        if not CHANNEL_NAME.fullmatch(candidate):
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


TABLE_MODELS: dict[tuple[str, ...], type[BaseModel]] = {
    (): BotConfig,
    ("cadence",): CadenceConfig,
    ("divisions",): DivisionConfig,
}
"""Which model validates which table of the file (for the known keys named when a key is unknown)."""
