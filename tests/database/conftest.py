"""Database tests: a real emulator over loopback, cloudfn's tcb transport, real ``node`` for the Node SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from tests.support.database import ENV


@pytest.fixture
async def db_cloud(emulator: RunningEmulator) -> AsyncIterator[Cloud]:
    """A Cloud whose database is the emulator's, over the /admin channel (tcb transport)."""
    async with cloudfn.init(base_url=emulator.base_url, transport="tcb", env=ENV) as bound:
        yield bound
