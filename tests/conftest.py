"""Fixtures for every test: a clean environment, a real emulator on a loopback port, Clouds bound to it.

The pytest plugin's own fixtures (``wx_emulator``, ``cloud``, ``invoke``) are
not redefined here: tests that use them get the plugin's, as users do.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator, run_emulator
from tests.support.paths import SEED_DIR


@pytest.fixture(autouse=True)
def _no_cloudfn_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own CLOUDFN_* settings (a Redis token store, a base URL...) must not leak in.
    for name in [n for n in os.environ if n.startswith("CLOUDFN_")]:
        monkeypatch.delenv(name)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with run_emulator() as running:
        yield running


@pytest.fixture
async def seed_cloud(emulator: RunningEmulator) -> AsyncIterator[Cloud]:
    """A Cloud on ``emulator`` with the seed function's config.json (its permissions apply)."""
    async with cloudfn.init(
        config=SEED_DIR / "config.json",
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
