"""Fixtures for the data folder tests: an emulator whose data directory is a temporary folder,
a plain HTTP client, and a sample data folder holding every kind of value."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import EmulatorState
from tests.support.data_folder import FILES, POSTS, USERS, write_folder


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    """The emulator's data directory (the control API only reads and writes folders inside it)."""
    root = tmp_path / "data"
    root.mkdir()
    return root


@pytest.fixture
def sample(data_root: Path) -> Path:
    return write_folder(data_root / "seed", {"posts": POSTS, "users": USERS}, FILES)


@pytest.fixture
async def data_emulator(data_root: Path) -> AsyncIterator[RunningEmulator]:
    async with run_emulator(state=EmulatorState(data_dir=data_root)) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
