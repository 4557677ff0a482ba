"""The postmortem document's rows: one per section, generated text and a person's text side by side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from incidentbot.domain.postmortem import SECTIONS, Section
from incidentbot.store.tables import postmortem_sections as table

_POSITION = {key: n for n, (key, _) in enumerate(SECTIONS)}


def load(conn: Connection, number: int) -> dict[str, Section]:
    """The stored sections by key; empty when the incident has no postmortem yet."""
    stmt = select(table).where(table.c.incident_number == number).order_by(table.c.position)
    return {r.key: Section(key=r.key, generated=r.generated, edited=r.edited,
                           generated_when_edited=r.generated_when_edited)
            for r in conn.execute(stmt) if r.key in _POSITION}  # fmt: skip


def save_generated(conn: Connection, number: int, sections: Sequence[Section], existing: set[str]) -> None:
    """Write the generated text only: a person's text (the `edited` column) is never touched here."""
    for s in sections:
        if s.key in existing:
            conn.execute(update(table).where(table.c.incident_number == number, table.c.key == s.key)
                         .values(generated=s.generated))  # fmt: skip
        else:
            conn.execute(insert(table).values(incident_number=number, key=s.key, position=_POSITION[s.key],
                                              generated=s.generated))  # fmt: skip


def save_edit(conn: Connection, number: int, section: Section, *, actor: str, now: datetime) -> None:
    conn.execute(update(table).where(table.c.incident_number == number, table.c.key == section.key).values(
        edited=section.edited, edited_by=actor, edited_at=now, generated_when_edited=section.generated_when_edited))
