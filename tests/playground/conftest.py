"""The playground as a person meets it: `incidentbot playground` started as a process with a clean environment,
and a headless Chromium (Debian's, at /usr/bin/chromium; Playwright never downloads a browser here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.process import free_port

STARTUP_TIMEOUT = 30.0


class PlaygroundProcess:
    def __init__(self, workdir: Path, *args: str) -> None:
        self.port = free_port()
        # A clean environment: no Slack token, no database URL, nothing but a PATH and a HOME.
        self.tmp = workdir / f"tmp-{self.port}"
        self.tmp.mkdir()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "TMPDIR": str(self.tmp),
               "PYTHONUNBUFFERED": "1"}  # fmt: skip
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "incidentbot", "playground", "--port", str(self.port), *args],
            cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self.wait_for_line(r"open (http://\S+)").group(1)
        self.bot_url = self.wait_for_line(r"the bot: (http://\S+)").group(1)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = STARTUP_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} within {timeout}s; output:\n{self.output()}")

    def api(self, path: str) -> Any:
        response = httpx.get(f"{self.bot_url}/api{path}", timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def playground_process(tmp_path: Path) -> Iterator[Any]:
    """Start the playground; afterwards check it stopped cleanly on SIGTERM and removed its temporary folder."""
    started: list[PlaygroundProcess] = []

    def start(*args: str) -> PlaygroundProcess:
        started.append(PlaygroundProcess(tmp_path, *args))
        return started[-1]

    yield start
    for process in started:
        process.stop()
        code = process.proc.returncode
        assert code == 0, f"the playground exited with {code}:\n{process.output()}"
        assert "Traceback" not in process.output(), process.output()
        assert list(process.tmp.iterdir()) == [], "the playground left its temporary folder behind"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
