"""Serving a project over loopback for the tests: `cloudfn serve PROJECT --emulator` in its own process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT
from tests.support.runtime import ServeProcess, serving

PROJECT = ROOT / "examples" / "project" / "cloudfunctions"
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


class Served(ServeProcess):
    """A served project, with JSON requests to it."""

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


def serve(directory: Path, log: Path, *extra: str) -> Iterator[Served]:
    """`cloudfn serve DIR --emulator --port 0` for the block; stopped (SIGTERM) after."""
    with serving(directory, "--emulator", *extra, env=clean_environ(), log=log, start_timeout=60) as served:
        yield Served(served.process, served.url, served.log)
