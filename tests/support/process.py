"""`incidentbot serve` as a real process (for restarts, SIGKILL and several processes on one database)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.support import slack_requests as sr
from tests.support.harness import API_TOKEN, digest_far_from


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServeProcess:
    """One `python -m incidentbot serve` with its own port, logging to a file in `workdir`."""

    def __init__(self, *, database_url: str, slack_api_url: str, workdir: Path, config: str | None = None,
                 name: str = "bot", extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.log_path = workdir / f"{name}-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_", "DATABASE_URL"))}
        env.update({
            "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET,
            "SLACK_API_URL": slack_api_url, "DATABASE_URL": database_url, "INCIDENTBOT_API_TOKEN": API_TOKEN,
            "PYTHONUNBUFFERED": "1",
        })  # fmt: skip
        if config is None or not re.search(r"^daily_digest_at\s*=", config, re.MULTILINE):
            # Real processes run on the real clock: keep the daily digest twelve hours away, so a test run at
            # 08:59 UTC does not see one it did not ask for. (A top-level key goes before any [table].)
            config = f'daily_digest_at = "{digest_far_from(datetime.now(UTC))}"\n' + (config or "")
        path = workdir / f"{name}.toml"
        path.write_text(config)
        env["INCIDENTBOT_CONFIG"] = str(path)
        env.update(extra_env or {})
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> ServeProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "incidentbot", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"incidentbot exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"incidentbot did not become healthy in {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def post_signed(self, body: str, **sign_kwargs: Any) -> httpx.Response:
        return httpx.post(f"{self.url}/slack/events", content=body, headers=sr.sign(body, **sign_kwargs), timeout=10)

    def command(self, text: str, *, user: str = "U0ALICE", channel: str = "general", channel_id: str = "C0GENERAL",
                response_url: str = "http://127.0.0.1:9/unused") -> httpx.Response:
        body = sr.slash_command(text, user=user, channel_id=channel_id, channel_name=channel,
                                response_url=response_url)
        return self.post_signed(body)

    def api(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", headers={"Authorization": f"Bearer {API_TOKEN}"}, timeout=10)

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
