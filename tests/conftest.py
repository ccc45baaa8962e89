"""Shared fixtures: a real emulator on a loopback port, and a Cloud bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator, run_emulator

ROOT = Path(__file__).resolve().parent.parent
SEED_EXAMPLE = ROOT / "examples" / "update_printer"


@pytest.fixture(autouse=True)
def _no_cloudfn_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own CLOUDFN_* settings must not leak into the tests.
    for name in (
        "CLOUDFN_BASE_URL",
        "CLOUDFN_APPID",
        "CLOUDFN_SECRET",
        "CLOUDFN_CONFIG",
        "CLOUDFN_VALIDATE",
        "CLOUDFN_TOKEN_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_emulator() as running:
        yield running


@pytest.fixture
async def cloud(emulator: RunningEmulator) -> AsyncIterator[Cloud]:
    async with cloudfn.init(
        config=SEED_EXAMPLE / "config.json",
        base_url=emulator.base_url,
        appid=emulator.appid,
        secret=emulator.secret,
    ) as bound:
        yield bound


@pytest.fixture
async def raw_cloud(emulator: RunningEmulator) -> AsyncIterator[Cloud]:
    """No local validation and no permission check: every request reaches the emulator."""
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, validate=False
    ) as bound:
        yield bound


def api_requests(emulator: RunningEmulator) -> list[dict]:
    """The emulator's log of API requests (token requests left out)."""
    return [r for r in emulator.state.requests if r.api]
