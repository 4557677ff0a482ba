"""Databases and a channel for the outbox worker's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.store.database import Database, connect
from tests.support.databases import SqliteTemplates


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """Both databases: for what depends on them (claims, leases, flags)."""
    database = connect(database_url)
    yield database
    database.dispose()


@pytest.fixture
def lite(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[Database]:
    """SQLite only: for what does not depend on the database, to keep the suite fast."""
    with sqlite_templates.clone(tmp_path) as url:
        database = connect(url)
        yield database
        database.dispose()


@pytest.fixture
def ops(fake_slack: FakeSlack) -> str:
    return fake_slack.create_channel("ops", member=True).id

