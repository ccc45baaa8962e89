"""The commands' --import: `cloudfn emulator --import --export-on-exit`, `cloudfn invoke --import`."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from tests.support.data_folder import FILES, POSTS, write_folder
from tests.support.runtime import serving

HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_emulator_imports_and_exports_on_exit(tmp_path: Path) -> None:
    seed = write_folder(tmp_path / "seed", {"posts": POSTS}, FILES)
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "cloudfn", "emulator", "--port", str(port)],
        *["--import", str(seed), "--export-on-exit", str(tmp_path / "out")],
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert first.startswith("cloudfn emulator: imported 3 documents and 4 files into env local")
        await asyncio.wait_for(process.stdout.readline(), 30)  # the banner: it listens
        base = f"http://127.0.0.1:{port}/__emulator__"
        async with aiohttp.ClientSession() as http, http.get(f"{base}/state") as response:
            assert sorted((await response.json())["storage"]["local"]) == sorted(FILES)
    finally:
        process.terminate()
        await process.wait()
    for path, content in FILES.items():
        assert (tmp_path / "out" / "storage" / path).read_bytes() == content
    exported = (tmp_path / "out" / "database" / "posts.jsonl").read_text().splitlines()
    assert [json.loads(line)["_id"] for line in exported] == ["a1", "a2", 42]


def test_emulator_refuses_bad_data_before_serving(tmp_path: Path) -> None:
    seed = write_folder(tmp_path / "seed", {"posts": ['{"_id":1}', "{nope"]}, {})
    done = subprocess.run(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(_free_port()), "--import", str(seed)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "database/posts.jsonl line 2: not extended JSON" in done.stderr


def test_invoke_runs_the_function_against_the_imported_data(tmp_path: Path) -> None:
    reader = shutil.copytree(HERE / "reader", tmp_path / "reader")
    command = [sys.executable, "-m", "cloudfn", "invoke", str(reader), "--import", str(HERE / "sample")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"titles": ["first", "second"], "note": "hello\n"}


async def test_serve_answers_from_the_imported_data(tmp_path: Path) -> None:
    reader = shutil.copytree(HERE / "reader", tmp_path / "reader")
    with serving(reader, "--import", str(HERE / "sample")) as process:
        async with aiohttp.ClientSession() as session, session.post(process.url + "/", json={}) as response:
            assert response.status == 200, process.stderr_text()
            assert await response.json() == {"titles": ["first", "second"], "note": "hello\n"}
