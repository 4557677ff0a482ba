"""The TOML file's sub-tables: [cadence] (how often updates are due) and one [[divisions]] entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict, field_validator

from incidentbot.config.fields import CHANNEL_RULES, Duration, channel_name, is_channel_name
from incidentbot.durations import describe_value as _describe


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
            raise ValueError(f"{_describe(value)} is not a valid division name ({CHANNEL_RULES})")
        return value

    @field_validator("channel")
    @classmethod
    def _check_channel(cls, value: str | None) -> str | None:
        return None if value is None else channel_name(value)

    @field_validator("runbook")
    @classmethod
    def _check_runbook(cls, value: str | None) -> str | None:
        if value is None:
            return None
        path = PurePath(value.strip())
        if not value.strip() or path.is_absolute() or ".." in path.parts or value.strip().startswith("~"):
            raise ValueError(f'{_describe(value)} is not a file name under runbooks_dir (such as "payments.md")')
        return value.strip()
