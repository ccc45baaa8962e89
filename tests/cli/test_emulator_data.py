"""``cloudfn emulator --data DIR``: the database lasts across restarts, as storage does."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import cloudfn
from cloudfn.emulator.state import DEFAULT_APPID, DEFAULT_SECRET
from tests.support.ports import free_port
from tests.support.storage import ENV


async def _emulator(data: Path, port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cloudfn",
        "emulator",
        "--port",
        str(port),
        "--data",
        str(data),
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    while b"127.0.0.1" not in await asyncio.wait_for(process.stdout.readline(), 30):
        pass  # up to the banner: it listens
    return process


async def _stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


async def test_collections_outlive_a_restart(tmp_path: Path) -> None:
    data, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    process = await _emulator(data, port)
    try:
        async with cloudfn.init(env=ENV, base_url=base, appid=DEFAULT_APPID, secret=DEFAULT_SECRET) as cloud:
            db = cloud.database()
            await db.createCollection("notes")
            added = await db.collection("notes").add({"data": {"text": "kept", "n": 2}})
    finally:
        await _stop(process)

    [line] = (data / "database" / ENV / "notes.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line) == {"_id": added["_id"], "text": "kept", "n": 2}

    process = await _emulator(data, port)
    try:
        async with cloudfn.init(env=ENV, base_url=base, appid=DEFAULT_APPID, secret=DEFAULT_SECRET) as cloud:
            got = await cloud.database().collection("notes").doc(added["_id"]).get()
    finally:
        await _stop(process)
    assert got["data"] == {"_id": added["_id"], "text": "kept", "n": 2}


async def test_bad_kept_data_stops_the_emulator_before_it_serves(tmp_path: Path) -> None:
    kept = tmp_path / "data" / "database" / ENV
    kept.mkdir(parents=True)
    (kept / "notes.jsonl").write_text('{"_id": "a"}\nnot json\n', encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cloudfn",
        "emulator",
        "--port",
        str(free_port()),
        "--data",
        str(tmp_path / "data"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    assert f"database/{ENV}/notes.jsonl line 2: not extended JSON" in stderr.decode()
