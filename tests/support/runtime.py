"""Shared helpers for the runtime tests: write function directories, run `cloudfn serve`."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT


def write_function(
    root: Path,
    name: str,
    source: str,
    config: Mapping[str, Any] | str | None = None,
) -> Path:
    """A function directory ``root/name`` with ``index.py`` and ``config.json``."""
    directory = root / name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "index.py").write_text(textwrap.dedent(source), encoding="utf-8")
    if config is None:
        config = {"permissions": {"openapi": ["logistics.updatePrinter", "logistics.getPrinter"]}}
    text = config if isinstance(config, str) else json.dumps(config)
    (directory / "config.json").write_text(text, encoding="utf-8")
    return directory


def clean_environ(**extra: str) -> dict[str, str]:
    """os.environ without cloudfn's backend variables (so a subprocess embeds an emulator)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFN_")}
    env.update(extra)
    return env


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cloudfn", *args],
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else clean_environ(),
        input=input,
        timeout=60,
        cwd=ROOT,
    )


@dataclass
class ServeProcess:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def stderr_text(self) -> str:
        """What the server wrote to stderr so far (its log)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            raise AssertionError("cloudfn serve did not announce itself in time")
        return process.stdout.readline()
    finally:
        selector.close()


@contextmanager
def serving(
    directory: Path,
    *extra: str,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    start_timeout: float = 30,
) -> Iterator[ServeProcess]:
    """Run ``cloudfn serve DIR --port 0 ...`` for the block; always stopped after.

    stderr goes to ``log``, by default a file next to the function (a pipe nobody
    reads could fill and stall it).
    """
    log = log or directory.parent / f"{directory.name}.serve.log"
    log_file = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "serve", str(directory), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
        env=dict(env) if env is not None else clean_environ(),
        cwd=ROOT,
    )
    try:
        line = _read_line(process, start_timeout)
        match = re.search(r"(http://[0-9.]+:[0-9]+)", line)
        if match is None:
            process.kill()
            process.wait()
            raise AssertionError(f"unexpected first line {line!r}; stderr: {log.read_text()}")
        yield ServeProcess(process, match.group(1), log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        log_file.close()
