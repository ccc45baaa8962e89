"""Serving a project over loopback for the tests: `cloudfn serve PROJECT --emulator` in its own process."""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "examples" / "project" / "cloudfunctions"
NODE_FUNCTIONS = [PROJECT / "orders"]
SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"


def npm_ci(directory: Path) -> Path:
    """`npm ci` where node_modules is missing (tests never skip for it)."""
    if not (directory / "node_modules" / "wx-server-sdk").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install the example's Node dependencies"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=directory, check=True, timeout=300)
    return directory / "node_modules"


def clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFN_")}


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    log: Path

    def post(self, path: str, event: Any = None, headers: Mapping[str, str] | None = None) -> tuple[int, Any]:
        data = json.dumps(event if event is not None else {}).encode()
        request = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return json.loads(response.read())


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        if not selector.select(timeout):
            raise AssertionError("cloudfn serve did not announce itself in time")
        return process.stdout.readline()
    finally:
        selector.close()


def serve(directory: Path, log: Path, *extra: str) -> Iterator[Served]:
    """`cloudfn serve DIR --emulator --port 0` for the block; stopped (SIGTERM) after."""
    with log.open("w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "cloudfn", "serve", str(directory), "--emulator", "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
            env=clean_environ(),
            cwd=REPO,
        )
        try:
            line = _first_line(process, 60)
            match = re.search(r"(http://[0-9.]+:[0-9]+)", line)
            if match is None:
                process.kill()
                process.wait()
                raise AssertionError(f"unexpected first line {line!r}; log: {log.read_text()}")
            yield Served(process, match.group(1), log)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()
