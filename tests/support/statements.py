"""The SQL statements a piece of code sends, as the database driver receives them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def statements(*engines: Engine, this_thread_only: bool = False) -> Iterator[list[str]]:
    """Every statement run on `engines` inside the block (only those of the calling thread, if asked)."""
    seen: list[str] = []
    engines = tuple({id(e): e for e in engines}.values())  # one engine serves both on PostgreSQL
    me = threading.get_ident()

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not this_thread_only or threading.get_ident() == me:
            seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
