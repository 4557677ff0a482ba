"""The action-item repository: `A-<n>` numbers come from the table's own id, unique across incidents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from incidentbot.domain.actions import ActionItem
from incidentbot.store.database import for_update
from incidentbot.store.tables import action_items

_COLUMNS = ("incident_number", "text", "owner", "due", "created_by", "created_at", "done_at", "done_by", "done_note")


class ActionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, item: ActionItem) -> ActionItem:
        values = {name: getattr(item, name) for name in _COLUMNS}
        new_id = self._conn.execute(insert(action_items).values(values).returning(action_items.c.id)).scalar_one()
        return ActionItem(**{**values, "id": int(new_id)})

    def get(self, action_id: int, *, lock: bool = False) -> ActionItem | None:
        stmt = select(action_items).where(action_items.c.id == action_id)
        if lock:
            stmt = for_update(stmt, self._conn.dialect.name)
        row = self._conn.execute(stmt).mappings().first()
        return _from_row(row) if row else None

    def save(self, item: ActionItem) -> None:
        values = {name: getattr(item, name) for name in _COLUMNS}
        self._conn.execute(update(action_items).where(action_items.c.id == item.id).values(values))

    def find(
        self, *, incident_number: int | None = None, open_only: bool = False, owner: str | None = None,
        due_before: date | None = None,
    ) -> list[ActionItem]:  # fmt: skip
        stmt = select(action_items).order_by(action_items.c.id)
        if incident_number is not None:
            stmt = stmt.where(action_items.c.incident_number == incident_number)
        if open_only:
            stmt = stmt.where(action_items.c.done_at.is_(None))
        if owner is not None:
            stmt = stmt.where(action_items.c.owner == owner)
        if due_before is not None:
            stmt = stmt.where(action_items.c.due < due_before)
        return [_from_row(r) for r in self._conn.execute(stmt).mappings()]


def _from_row(row: RowMapping) -> ActionItem:
    values: dict[str, Any] = {name: row[name] for name in _COLUMNS}
    return ActionItem(id=int(row["id"]), **values)
