"""Fixtures for the data folder tests: an emulator whose data directory is a temporary folder,
a plain HTTP client, and a sample data folder holding every kind of value."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import EmulatorState

# Lines as the cloud console exports them, and the values bson reads from them: a date, an
# int, a float that is whole, an Int64, a Decimal128, nested objects and arrays, a number _id.
POSTS = [
    '{"_id":"a1","title":"héllo","createdAt":{"$date":"2026-11-01T08:00:00.000Z"},"likes":3,'
    '"score":2.0,"big":{"$numberLong":"9007199254740993"},"price":{"$numberDecimal":"19.99"},'
    '"meta":{"tags":["x","y"],"deep":{"n":null,"ok":true,"ratio":0.25}}}',
    '{"_id":"a2","title":"second","createdAt":{"$date":{"$numberLong":"-1000"}},"likes":-7,'
    '"score":{"$numberDouble":"Infinity"},"items":[{"k":1},{"k":2.5}]}',
    '{"_id":42,"title":"number id","when":{"$date":"1999-12-31T23:59:59.999Z"}}',
]
USERS = ['{"_id":"oA","name":"Ann"}']
FILES = {
    "images/a.png": bytes(range(256)) * 40,
    "docs/说明.txt": "中文内容\n".encode(),
    "empty.bin": b"",
    "deep/er/still/x.json": b'{"a": 1}\n',
}


def write_folder(root: Path, collections: dict[str, list[str]], files: dict[str, bytes]) -> Path:
    (root / "database").mkdir(parents=True, exist_ok=True)
    for name, lines in collections.items():
        (root / "database" / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path, content in files.items():
        target = root / "storage" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return root


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
