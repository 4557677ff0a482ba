"""Running the `incidentbot` command as a person does: a subprocess in a folder, with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1"}


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The outer environment without any incidentbot variable, plus ``env``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_", "DATABASE_URL"))}
    base.update(env or {})
    return base


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "incidentbot", *args], cwd=cwd, env=clean_env(env),
                          capture_output=True, text=True, timeout=60)


def run_each(commands: list[list[str]], *, cwd: Path, env: dict[str, str] | None = None
             ) -> list[subprocess.CompletedProcess[str]]:
    """Run several commands side by side (they start slowly, one at a time adds up); their results in order."""
    procs = [subprocess.Popen([sys.executable, "-m", "incidentbot", *args], cwd=cwd, env=clean_env(env),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in commands]
    results = []
    for args, proc in zip(commands, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(args, proc.returncode, stdout, stderr))
    return results


def run_into_closed_pipe(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run with stdout a pipe whose reader has already gone (`incidentbot … | head` once head has exited):
    the exit code and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "incidentbot", *args], cwd=cwd, env=clean_env(env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()  # before the interpreter has even started up: every write will fail
    _, stderr = proc.communicate(timeout=60)
    return proc.returncode, stderr
