"""The unit of work: one transaction per command. Only `commit()` makes anything happen."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection

from incidentbot.store import dedupe
from incidentbot.store.actions import ActionRepository
from incidentbot.store.database import Database
from incidentbot.store.incidents import IncidentRepository


class UnitOfWork:
    def __init__(
        self, db: Database, *, id_prefix: str = "OUT", on_commit: Callable[[], None] | None = None,
        readonly: bool = False,
    ) -> None:  # fmt: skip
        self._db = db
        self._prefix = id_prefix
        self._on_commit = on_commit
        self._readonly = readonly
        self._conn: Connection | None = None
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        engine = self._db.read_engine if self._readonly else self._db.engine
        self._conn = engine.connect()
        try:
            self._conn.begin()
            if not self._readonly:
                dedupe.record_pending(self._conn)
        except BaseException:
            self._conn.close()  # __exit__ does not run when __enter__ raises
            self._conn = None
            raise
        self.incidents = IncidentRepository(self._conn, id_prefix=self._prefix)
        self.actions = ActionRepository(self._conn)
        return self

    @property
    def conn(self) -> Connection:
        assert self._conn is not None, "use the unit of work as a context manager"
        return self._conn

    def commit(self) -> None:
        self.conn.commit()
        self.committed = True
        if self._on_commit is not None:
            self._on_commit()

    def rollback(self) -> None:
        self.conn.rollback()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            conn.close()
