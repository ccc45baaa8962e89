"""Storage fixtures: a real emulator on loopback and a Cloud bound to it over each transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from cloudfn.storage.fileid import file_id
from cloudfn.transport.tcb import TcbTransport

ENV = "storage-test"
OTHER_ENV = "other-env"


def storage_requests(emulator: RunningEmulator) -> list[dict]:
    """The emulator's log of storage requests (any channel)."""
    return [r for r in emulator.state.requests if r.action]


def missing_id(path: str = "nothing/here.txt") -> str:
    return file_id(ENV, path)


@pytest.fixture(params=["https", "tcb"])
async def cloud(request: pytest.FixtureRequest, emulator: RunningEmulator) -> AsyncIterator[Cloud]:
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
