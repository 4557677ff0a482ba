"""Fresh, migrated databases for each test: a copied SQLite file, or a PostgreSQL database cloned from a
migrated template (fast: no migration per test)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from incidentbot.store.database import upgrade

PG_ADMIN = os.environ.get("INCIDENTBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _sa_url(dbname: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{dbname}"


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def require_postgres() -> None:
    if postgres_available():
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true but {PG_ADMIN} is unreachable")
    pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN} (set CI=true to make this a failure)")


class PostgresTemplates:
    """One migrated template database per test session; each test gets a clone."""

    def __init__(self) -> None:
        self.template = f"ib_tpl_{uuid.uuid4().hex[:10]}"
        self._made = False

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(PG_ADMIN, autocommit=True)

    def ensure_template(self) -> None:
        if self._made:
            return
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.template}"')
        upgrade(_sa_url(self.template))
        self._made = True

    @contextmanager
    def clone(self) -> Iterator[str]:
        self.ensure_template()
        name = f"ib_t_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        try:
            yield _sa_url(name)
        finally:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self) -> None:
        if self._made:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')


class SqliteTemplates:
    def __init__(self, folder: Path) -> None:
        self.template = folder / "template.db"
        self._made = False

    @contextmanager
    def clone(self, target_dir: Path) -> Iterator[str]:
        if not self._made:
            upgrade(f"sqlite:///{self.template}")
            self._made = True
        target = target_dir / f"incidentbot-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(self.template, target)
        yield f"sqlite:///{target}"


@contextmanager
def fresh_database(kind: str, *, tmp_path: Path, pg: PostgresTemplates, sqlite: SqliteTemplates) -> Iterator[str]:
    """A migrated, empty database of `kind` ("sqlite" or "postgresql") for one test."""
    if kind == "sqlite":
        with sqlite.clone(tmp_path) as url:
            yield url
    else:
        require_postgres()
        with pg.clone() as url:
            yield url
