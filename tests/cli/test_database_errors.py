"""A database that cannot be used stops every command with one line naming it and what to check, never a
traceback; commands that only read never create or migrate a database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from incidentbot.store.database import migrations_path
from incidentbot.store.preflight import SchemaState, schema_state
from tests.cli.running import SLACK_ENV, run, run_each
from tests.support.databases import PG_ADMIN, require_postgres

COMMANDS = [["db", "upgrade"], ["serve"], ["socket"], ["check-config"]]


def _pg_url(database: str, *, port: int | None = None) -> str:
    """A PostgreSQL URL on the test server (or ``port`` on this machine) with a password to hide."""
    host = f"127.0.0.1:{port}" if port else PG_ADMIN.split("@", 1)[1].rsplit("/", 1)[0]
    return f"postgresql://postgres:hunter2@{host}/{database}"


def _closed_port(tmp_path: Path) -> tuple[str, list[str]]:
    return _pg_url("incidentbot", port=1), ["postgresql+psycopg://postgres:***@127.0.0.1:1/incidentbot",
                                            "connection refused", "check that PostgreSQL is running"]


def _missing_database(tmp_path: Path) -> tuple[str, list[str]]:
    require_postgres()
    return _pg_url("ib_no_such_db"), ['database "ib_no_such_db" does not exist', "check the name in DATABASE_URL"]


def _missing_folder(tmp_path: Path) -> tuple[str, list[str]]:
    path = tmp_path / "no" / "such" / "folder" / "bot.db"
    return f"sqlite:///{path}", [str(path), f"the folder {path.parent} does not exist", "DATABASE_URL"]


def _file_for_folder(tmp_path: Path) -> tuple[str, list[str]]:
    (tmp_path / "data").write_text("a file, not a folder")
    path = tmp_path / "data" / "bot.db"
    return f"sqlite:///{path}", [str(path), f"the folder {path.parent} is not a folder", "DATABASE_URL"]


LOCKED: list[Path] = []


@pytest.fixture(autouse=True)
def _unlock_folders() -> Iterator[None]:
    yield
    while LOCKED:
        subprocess.run(["chattr", "-i", str(LOCKED.pop())], check=True)


def _read_only_folder(tmp_path: Path) -> tuple[str, list[str]]:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    if os.geteuid() == 0:
        # Root writes through permission bits (CI runs as root); an immutable folder stops root too.
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        LOCKED.append(folder)
    return f"sqlite:///{folder / 'bot.db'}", [f"the folder {folder} is not writable", "DATABASE_URL"]


CASES: dict[str, Callable[[Path], tuple[str, list[str]]]] = {
    "postgresql-closed-port": _closed_port,
    "postgresql-missing-database": _missing_database,
    "sqlite-missing-folder": _missing_folder,
    "sqlite-folder-is-a-file": _file_for_folder,
    "sqlite-read-only-folder": _read_only_folder,
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_unusable_database_is_one_line_for_every_command(case: str, tmp_path: Path) -> None:
    url, expected = CASES[case](tmp_path)
    for args, result in zip(COMMANDS, run_each(COMMANDS, cwd=tmp_path, env={**SLACK_ENV, "DATABASE_URL": url}),
                            strict=True):
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1, (args, result.stderr)
        assert len(lines) == 1 and lines[0].startswith("incidentbot: "), (args, result.stderr)
        assert all(part in lines[0] for part in expected), (args, lines[0])
        assert "hunter2" not in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert not (tmp_path / "incidentbot.db").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://postgres:hunter2@db.example.com:port/incidentbot", "is not a valid database URL"),
        ("sqlite://incidentbot.db", "use three slashes for a relative path"),
        ("mysql://root:hunter2@localhost/incidentbot", "are not supported"),
    ],
)
def test_a_malformed_database_url_is_one_line(url: str, expected: str, tmp_path: Path) -> None:
    for args in (["db", "upgrade"], ["check-config"]):
        result = run(*args, cwd=tmp_path, env={**SLACK_ENV, "DATABASE_URL": url})
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert lines[0].startswith("incidentbot: DATABASE_URL: ") and expected in lines[0]
        assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


# ----- read-only commands -----------------------------------------------------------------------------------


def test_postmortem_in_an_empty_folder_says_there_is_no_database_and_creates_none(tmp_path: Path) -> None:
    result = run("postmortem", "OUT-1", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.strip().splitlines() == [
        f"incidentbot: there is no database at sqlite:///{tmp_path / 'incidentbot.db'} (DATABASE_URL); "
        "create it with `incidentbot db upgrade`"
    ]
    assert list(tmp_path.iterdir()) == []


def test_check_config_tries_the_database_without_creating_it(tmp_path: Path) -> None:
    result = run("check-config", cwd=tmp_path, env=SLACK_ENV)
    assert result.returncode == 0, result.stderr
    assert "does not exist yet; `serve` or `incidentbot db upgrade` creates it" in result.stdout
    assert list(tmp_path.iterdir()) == []
    assert run("db", "upgrade", cwd=tmp_path).returncode == 0
    assert "is reachable and up to date" in run("check-config", cwd=tmp_path, env=SLACK_ENV).stdout


def _migrate(url: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", migrations_path())
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    command.downgrade(cfg, revision)


def test_postmortem_on_an_old_or_empty_schema_says_to_migrate_and_changes_nothing(
    database_url: str, tmp_path: Path
) -> None:
    _migrate(database_url, "0001")
    env = {"DATABASE_URL": database_url}
    old = run("postmortem", "OUT-1", cwd=tmp_path, env=env)
    assert old.returncode == 1 and "older schema (revision 0001)" in old.stderr, old.stderr
    assert "migrate it with `incidentbot db upgrade`" in old.stderr and len(old.stderr.splitlines()) == 1
    checked = run("check-config", cwd=tmp_path, env={**env, **SLACK_ENV})
    assert checked.returncode == 0 and "migrates it from revision 0001" in checked.stdout
    _migrate(database_url, "base")
    empty = run("postmortem", "OUT-1", cwd=tmp_path, env=env)
    assert empty.returncode == 1 and "has no incidentbot tables; create it with `incidentbot db upgrade`" in (
        empty.stderr
    )
    assert schema_state(database_url)[0] is SchemaState.EMPTY  # the command created no tables


def test_postmortem_on_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "incidentbot.db").write_text("not a database\n" * 100)
    result = run("postmortem", "OUT-1", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"incidentbot: cannot use the database sqlite:///{tmp_path / 'incidentbot.db'}: the file is not a SQLite "
        "database; point DATABASE_URL at another file"
    ]


def test_a_schema_newer_than_this_version_is_refused(tmp_path: Path) -> None:
    assert run("db", "upgrade", cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "incidentbot.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    commands = [["postmortem", "OUT-1"], ["check-config"], ["db", "upgrade"], ["serve"]]
    for result in run_each(commands, cwd=tmp_path, env=SLACK_ENV):
        assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "schema revision 9999, newer than this version of incidentbot knows; upgrade incidentbot" in (
            result.stderr
        )


# ----- logging ----------------------------------------------------------------------------------------------


def test_alembic_follows_the_log_level(tmp_path: Path) -> None:
    quiet = run("--log-level", "WARNING", "db", "upgrade", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""
    (tmp_path / "incidentbot.db").unlink()
    chatty = run("--log-level", "INFO", "db", "upgrade", cwd=tmp_path)
    assert "alembic" in chatty.stderr and "Running upgrade" in chatty.stderr


def test_the_log_level_and_config_may_follow_the_command(tmp_path: Path) -> None:
    quiet = run("db", "upgrade", "--log-level", "WARNING", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    missing = run("postmortem", "1", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert missing.returncode != 0 and "nope.toml" in missing.stderr and "Traceback" not in missing.stderr
