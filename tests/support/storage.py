"""Shared by the storage tests: the environment they use and what they look up."""

from __future__ import annotations

import shutil
import subprocess

from cloudfn.emulator.http import RequestLogEntry
from cloudfn.emulator.server import RunningEmulator
from cloudfn.storage.fileid import file_id

from .paths import ROOT

ENV = "storage-test"
OTHER_ENV = "other-env"
STORAGE_EXAMPLE = ROOT / "examples" / "storage"  # Node original and Python port, doing all four calls
STORAGE_EVENTS = STORAGE_EXAMPLE / "events.jsonl"


def storage_requests(emulator: RunningEmulator) -> list[RequestLogEntry]:
    """The emulator's log of requests that were not WeChat API calls (storage, any channel)."""
    return [r for r in emulator.state.requests if r.action]


def missing_id(path: str = "nothing/here.txt") -> str:
    return file_id(ENV, path)


def ensure_storage_node_modules() -> None:
    """`npm ci` in the storage example when its node_modules is missing (tests never skip for it)."""
    if not (STORAGE_EXAMPLE / "node_modules" / "wx-server-sdk").is_dir():
        npm = shutil.which("npm")
        assert npm is not None, "npm is needed to install the example's Node dependencies"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=STORAGE_EXAMPLE, check=True, timeout=300)
