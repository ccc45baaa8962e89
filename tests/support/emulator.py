"""Reading an in-process emulator's request log."""

from __future__ import annotations

from cloudfn.emulator.http import RequestLogEntry
from cloudfn.emulator.server import RunningEmulator


def api_requests(emulator: RunningEmulator, api: str | None = None) -> list[RequestLogEntry]:
    """The API calls the emulator received (token fetches left out), optionally of one API."""
    return [r for r in emulator.state.requests if r.api and (api is None or r.api == api)]


def requests_to(emulator: RunningEmulator, path: str) -> list[RequestLogEntry]:
    """Every request the emulator received for ``path`` (token endpoints included)."""
    return [r for r in emulator.state.requests if r.path == path]
