"""Storage client fixtures: a Cloud bound to a real emulator over each transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from cloudfn.transport.tcb import TcbTransport
from tests.support.storage import ENV


@pytest.fixture(params=["https", "tcb"])
async def storage_cloud(request: pytest.FixtureRequest, emulator: RunningEmulator) -> AsyncIterator[Cloud]:
    """A Cloud in environment ENV, over WeChat's HTTPS APIs or the platform's /admin channel."""
    if request.param == "tcb":
        transport = TcbTransport(url=f"{emulator.base_url}/admin", secret_id="AKIDtest", env=ENV)
        bound = cloudfn.init(env=ENV, transport=transport)
    else:
        bound = cloudfn.init(
            env=ENV,
            base_url=emulator.base_url,
            appid=emulator.appid,
            secret=emulator.secret,
            transport="https",
        )
    async with bound:
        yield bound


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
