"""Shared set-up for the benchmarks: a fake Slack, a fresh database, an in-process bot."""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.databases import PostgresTemplates, SqliteTemplates, postgres_available  # noqa: E402


@contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="ib-bench-"))
        with SqliteTemplates(folder).clone(folder) as url:
            yield url
        return
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432")
    templates = PostgresTemplates()
    try:
        with templates.clone() as url:
            yield url
    finally:
        templates.drop()


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return (f"p50 {q[49]:.1f} ms · p95 {q[94]:.1f} ms · p99 {q[98]:.1f} ms · max {ordered[-1]:.1f} ms "
            f"(n={len(ordered)})")
