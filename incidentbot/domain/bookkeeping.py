"""Book-keeping: the free-text fields, the `cause` category and the milestones of an incident.

Milestones: started ≤ detected ≤ declared; started ≤ mitigated ≤ resolved; none in the future. Times are
typed as ISO 8601 or `HH:MM` (today in the configured zone); the zone and `now` are passed in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from incidentbot.domain.errors import InvalidTransition
from incidentbot.domain.state import IncidentState
from incidentbot.domain.timeline import Kind

BOOKKEEPING_FIELDS = ("impact", "service", "root_cause", "owner_team")
MILESTONE_FIELDS = ("started", "detected", "mitigated")
SET_FIELDS = (*BOOKKEEPING_FIELDS, "cause", *MILESTONE_FIELDS)
DEFAULT_CAUSES = ("deploy", "config", "capacity", "dependency", "infrastructure", "third-party", "unknown")

_HH_MM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_moment(text: str, *, now: datetime, tz: tzinfo, what: str) -> datetime:
    """`HH:MM` (today in `tz`) or ISO 8601 (a time without a zone is read in `tz`), as an aware UTC datetime."""
    value = text.strip()
    if match := _HH_MM.fullmatch(value):
        local = now.astimezone(tz).replace(hour=int(match.group(1)), minute=int(match.group(2)), second=0,
                                           microsecond=0)  # fmt: skip
        return local.astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        raise InvalidTransition(
            f"`{what}=` must be a time, `HH:MM` (today) or ISO 8601 such as `2024-07-31T14:05` (got `{value}`)."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def cause_named(text: str, causes: Sequence[str]) -> str:
    """The configured cause `text` names (any case), or a refusal that lists them and guesses the one meant."""
    value = text.strip().lower()
    if value in causes:
        return value
    close = difflib.get_close_matches(value, list(causes), n=1)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    raise InvalidTransition(f"`cause={text.strip()}` is not one of the causes: {', '.join(causes)}.{hint}")


class BookkeepingRules(IncidentState):
    def set_fields(
        self, *, values: dict[str, str], actor: str, now: datetime, tz: tzinfo = UTC,
        causes: Sequence[str] = DEFAULT_CAUSES,
    ) -> None:  # fmt: skip
        """Record the fields and milestones in `values` (all checked before any is changed)."""
        unknown = set(values) - set(SET_FIELDS)
        if unknown:
            raise InvalidTransition(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        if not values:
            raise InvalidTransition("Nothing to set: give at least one of impact=, service=, root-cause=, owner-team=.")
        moments = {name: parse_moment(values[name], now=now, tz=tz, what=name)
                   for name in MILESTONE_FIELDS if name in values}  # fmt: skip
        cause = cause_named(values["cause"], causes) if values.get("cause", "").strip() else None
        self._check_milestones(moments, now)
        texts = {name: value for name, value in values.items() if name in BOOKKEEPING_FIELDS}
        for name, value in texts.items():
            setattr(self, name, value.strip() or None)
        if "cause" in values:
            self.cause = cause
        if texts or "cause" in values:
            shown = {**texts, **({"cause": cause or ""} if "cause" in values else {})}
            listed = ", ".join(f"{name.replace('_', '-')}={value.strip()}" for name, value in shown.items())
            self._record(now, Kind.FIELDS_SET, actor, listed)
        for name, moment in moments.items():
            setattr(self, f"{name}_at", moment)
            stamp = moment.isoformat().replace("+00:00", "Z")
            self._record(now, Kind.MILESTONE_SET, actor, f"{name} at {stamp}")

    def _check_milestones(self, moments: dict[str, datetime], now: datetime) -> None:
        for name, moment in moments.items():
            if moment > now:
                raise InvalidTransition(f"`{name}=` is in the future; give a time that has passed (`HH:MM` means "
                                        "today: for an earlier day write the date, e.g. `2024-07-31T23:50`).")
        started = moments.get("started", self.started_at or self.declared_at)
        detected = moments.get("detected", self.detected_at or self.declared_at)
        mitigated = moments.get("mitigated", self.mitigated_at)
        checks = [
            (started <= detected, "`started` must be at or before `detected`"),
            (detected <= self.declared_at, "`detected` must be at or before the declaration"),
            (mitigated is None or started <= mitigated, "`mitigated` must be at or after `started`"),
            (mitigated is None or self.resolved_at is None or mitigated <= self.resolved_at,
             "`mitigated` must be at or before the resolution"),
        ]  # fmt: skip
        for ok, problem in checks:
            if not ok:
                raise InvalidTransition(f"Milestones out of order: {problem} (started ≤ detected ≤ declared; "
                                        "started ≤ mitigated ≤ resolved). Nothing was changed.")

    def record_action(self, *, kind: Kind, label: str, text: str, actor: str, now: datetime,
                      owner: str | None = None) -> None:
        """An action item of this incident was added, closed or reopened (the item itself lives apart)."""
        self._record(now, kind, actor, f"{label}: {text}", (owner,) if owner else ())
