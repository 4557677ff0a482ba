"""alembic owns the schema: after `upgrade head` the database matches tables.py exactly, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from incidentbot.store.database import connect
from incidentbot.store.tables import metadata


def test_migrations_match_the_table_definitions(database_url: str) -> None:
    db = connect(database_url)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
    finally:
        db.dispose()
    assert differences == [], "tables.py changed without a migration: run alembic revision --autogenerate"
