"""Before a command uses the database: can it be reached, does it exist, is its schema this version's?

Every problem becomes a :class:`DatabaseProblem` whose message is one line: the URL (never its password),
what went wrong and what to check. Read-only checks never create a database or a schema.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, pool, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from incidentbot.config import redact_url
from incidentbot.store.database import CONNECT_TIMEOUT, connect_readonly, migrations_path

CREATE_HINT = "create it with `incidentbot db upgrade`"


class DatabaseProblem(Exception):
    """The database cannot be used as asked; ``str()`` is one line for the person at the terminal."""


class SchemaState(enum.Enum):
    NO_DATABASE = "there is no database yet"
    EMPTY = "the database has no incidentbot tables yet"
    OLD = "the database schema is older than this version of incidentbot"
    CURRENT = "the database schema is up to date"
    NEWER = "the database schema is newer than this version of incidentbot"


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as error:
        raise DatabaseProblem(f"DATABASE_URL: {redact_url(url)} is not a valid database URL ({error})") from None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (absolute), or None for PostgreSQL and in-memory SQLite."""
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).absolute()


def check_sqlite_folder(url: str) -> None:
    """DatabaseProblem unless the folder of a SQLite file exists and can be written (to create the file)."""
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise DatabaseProblem(f"cannot create the SQLite database {path}: the folder {folder} {what}; "
                              "create the folder or point DATABASE_URL elsewhere")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseProblem(f"cannot create the SQLite database {path}: the folder {folder} is not writable; "
                              "fix its permissions or point DATABASE_URL elsewhere")


def describe(url: str, error: BaseException) -> str:
    """One line for a failure to connect to ``url``: what happened and what to check."""
    reason = str(getattr(error, "orig", None) or error).strip()
    first = next((line.strip() for line in reason.splitlines() if line.strip()), type(error).__name__)
    low = reason.lower()
    where = f"cannot use the database {redact_url(url)}"
    if sqlite_path(url) is not None:
        if "not a database" in low:
            return f"{where}: the file is not a SQLite database; point DATABASE_URL at another file"
        return f"{where}: {first}; check that the file and its folder exist and are readable and writable"
    checks = [
        ("connection refused", "connection refused; check that PostgreSQL is running and DATABASE_URL's host "
                               "and port"),
        ("role", f"{_after_fatal(first)}; check the user in DATABASE_URL"),
        ("does not exist", f"{_after_fatal(first)}; check the name in DATABASE_URL, or create it (createdb)"),
        ("authentication failed", "password authentication failed; check the user and password in DATABASE_URL"),
        ("no password supplied", "the server wants a password; put it in DATABASE_URL"),
        ("translate host name", "unknown host; check the host name in DATABASE_URL"),
        ("failed to resolve host", "unknown host; check the host name in DATABASE_URL"),
        ("timeout", "no answer (timed out); check the host, port and any firewall between"),
    ]
    for needle, message in checks:
        if needle in low:
            return f"{where}: {message}"
    return f"{where}: {_after_fatal(first)}; check DATABASE_URL and that the server is running"


def _after_fatal(line: str) -> str:
    return line.rpartition("FATAL:")[2].strip() if "FATAL:" in line else line


def _connect(url: str, *, readonly: bool) -> Connection:
    try:
        if readonly:
            return connect_readonly(url).engine.connect()
        is_pg = _parse(url).get_backend_name() == "postgresql"
        args = {"connect_timeout": CONNECT_TIMEOUT} if is_pg else {}
        return create_engine(url, poolclass=pool.NullPool, connect_args=args).connect()
    except (DBAPIError, ArgumentError, ValueError) as error:
        raise DatabaseProblem(describe(url, error)) from None


def check_can_migrate(url: str) -> None:
    """Before migrating: DatabaseProblem unless a connection opens (creating a SQLite file if there is none)
    and the schema is one this version knows."""
    check_sqlite_folder(url)
    _connect(url, readonly=False).close()
    if schema_state(url)[0] is SchemaState.NEWER:
        require_current_schema(url)


def schema_state(url: str) -> tuple[SchemaState, str | None]:
    """Where the database at ``url`` stands, and its schema revision; reads only, creates nothing."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return SchemaState.NO_DATABASE, None
    from alembic.script import ScriptDirectory

    with _connect(url, readonly=True) as conn:
        try:
            current = _revision(conn)
        except DBAPIError as error:
            raise DatabaseProblem(describe(url, error)) from None
    if current is None:
        return SchemaState.EMPTY, None
    scripts = ScriptDirectory(migrations_path())
    if current == scripts.get_current_head():
        return SchemaState.CURRENT, current
    known = {script.revision for script in scripts.walk_revisions()}
    return (SchemaState.OLD if current in known else SchemaState.NEWER), current


def _revision(conn: Connection) -> str | None:
    """alembic's revision stamp (read directly: alembic's own reader logs at INFO level)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def require_current_schema(url: str) -> None:
    """For read-only commands: DatabaseProblem unless the database exists with this version's schema."""
    state, revision = schema_state(url)
    if state is SchemaState.CURRENT:
        return
    where = redact_url(url)
    if state is SchemaState.NO_DATABASE:
        raise DatabaseProblem(f"there is no database at {where} (DATABASE_URL); {CREATE_HINT}")
    if state is SchemaState.EMPTY:
        raise DatabaseProblem(f"the database {where} has no incidentbot tables; {CREATE_HINT}")
    if state is SchemaState.OLD:
        raise DatabaseProblem(f"the database {where} has an older schema (revision {revision}); "
                              "migrate it with `incidentbot db upgrade`")
    raise DatabaseProblem(f"the database {where} has schema revision {revision}, newer than this version of "
                          "incidentbot knows; upgrade incidentbot")


def describe_for_serve(url: str) -> str:
    """For `check-config`: one line on the database `serve` would use (which creates and migrates it);
    DatabaseProblem when `serve` could not use it."""
    state, revision = schema_state(url)
    where = redact_url(url)
    path = sqlite_path(url)
    if state is SchemaState.NO_DATABASE:
        check_sqlite_folder(url)
        return f"database {where} does not exist yet; `serve` or `incidentbot db upgrade` creates it"
    if path is not None and not os.access(path, os.W_OK):
        raise DatabaseProblem(f"cannot use the database {where}: the file is not writable; fix its permissions")
    if state is SchemaState.CURRENT:
        return f"database {where} is reachable and up to date"
    if state is SchemaState.NEWER:
        require_current_schema(url)
    verb = "creates its tables" if state is SchemaState.EMPTY else f"migrates it from revision {revision}"
    return f"database {where} is reachable; `serve` or `incidentbot db upgrade` {verb}"
