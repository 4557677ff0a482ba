"""The benchmark scripts the README tells people to run still run (tiny sizes; the figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("script", "args", "says"), [
    ("command_latency.py", ["--incidents", "5"], "declare ack: p50"),
    ("outbox_throughput.py", ["--rows", "40", "--keys", "4"], "order kept per incident: True"),
    ("parser_speed.py", ["--repeat", "2"], "hostile commands: p50"),
    ("ack_under_load.py", ["--smoke"], "update    5 people |"),
    ("big_history.py", ["--smoke", "--requests", "20"], "scheduler tick"),
    ("ack_under_load.py", ["--smoke", "--db", "postgresql"], "update    5 people |"),
    ("burst.py", ["--incidents", "3"], "all 3 roots after"),
])  # fmt: skip
def test_benchmark_runs(script: str, args: list[str], says: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert says in result.stdout
