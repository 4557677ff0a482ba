"""Single-use tokens (sign-in links, Confirm buttons): what a stored token's row allows at a given moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import RowMapping


def outcome(row: RowMapping | None, *, now: datetime) -> str:
    """"ok" when the token may be used now, else why not: "unknown", "used" or "expired"."""
    if row is None:
        return "unknown"
    if row["used_at"] is not None:
        return "used"
    if row["expires_at"] <= now:
        return "expired"
    return "ok"
