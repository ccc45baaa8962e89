"""Fixtures for the emulator's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import cloudfn
from cloudfn.emulator.server import RunningEmulator
from tests.support.logistics import make_cloud


@pytest.fixture
async def logistics_cloud(emulator: RunningEmulator) -> AsyncIterator[cloudfn.Cloud]:
    """A Cloud permitted every logistics API, calling ``emulator``."""
    async with make_cloud(emulator) as configured:
        yield configured
