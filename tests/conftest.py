from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentbot.emulator import FakeSlack

# The one headless Chromium of the session, shared by tests/web and tests/playground: defined here, not imported
# into each, or each import is a fixture of its own and a second Playwright cannot start beside the first.
from tests.support.browser import browser  # noqa: F401
from tests.support.databases import PostgresTemplates, SqliteTemplates, fresh_database
from tests.support.harness import Harness, start_harness


@pytest.fixture(scope="session")
def pg_templates() -> Iterator[PostgresTemplates]:
    templates = PostgresTemplates()
    yield templates
    templates.drop()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_templates: PostgresTemplates,
    sqlite_templates: SqliteTemplates,
) -> Iterator[str]:
    with fresh_database(request.param, tmp_path=tmp_path, pg=pg_templates, sqlite=sqlite_templates) as url:
        yield url


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
    assert fake.rejected == [], f"the bot made calls real Slack would reject: {fake.rejected}"


@pytest.fixture
def bot(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path) as harness:
        yield harness
