"""`weekly_report_at = "mon 09:00"`: a day of the week and a local time of day."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from incidentbot.durations import describe_value as _describe

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY = re.compile(r"([a-z]{3})[a-z]*\s+([01]?\d|2[0-3]):([0-5]\d)")


class WeeklyTime(BaseModel):
    model_config = ConfigDict(frozen=True)

    weekday: int  # Monday is 0
    at: time

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _WEEKLY.fullmatch(value.strip().lower())
        if match is None or match.group(1) not in DAYS:
            raise ValueError(f'{_describe(value)} is not a day and time (use "DAY HH:MM", such as "mon 09:00")')
        return {"weekday": DAYS.index(match.group(1)), "at": time(int(match.group(2)), int(match.group(3)))}
