"""Storage through the CLI: ``cloudfn emulator --data DIR`` keeps files on disk; ``cloudfn invoke``
gives a function an environment to keep its files in."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import sys
from pathlib import Path

import cloudfn
from cloudfn.emulator.state import DEFAULT_APPID, DEFAULT_SECRET
from tests.support.runtime import clean_environ, run_cli
from tests.support.storage import ENV, STORAGE_EXAMPLE, ensure_storage_node_modules


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_emulator_data_dir(tmp_path: Path) -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cloudfn",
        "emulator",
        "--port",
        str(port),
        "--data",
        str(tmp_path / "data"),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        await asyncio.wait_for(process.stdout.readline(), 30)  # the banner: it listens
        base = f"http://127.0.0.1:{port}"
        async with cloudfn.init(env=ENV, base_url=base, appid=DEFAULT_APPID, secret=DEFAULT_SECRET) as cloud:
            saved = await cloud.uploadFile({"cloudPath": "reports/day.csv", "fileContent": b"a,b\n1,2\n"})
            assert (await cloud.downloadFile({"fileID": saved["fileID"]}))["fileContent"] == b"a,b\n1,2\n"
    finally:
        process.terminate()
        await process.wait()
    assert (tmp_path / "data" / "storage" / ENV / "reports" / "day.csv").read_bytes() == b"a,b\n1,2\n"


def test_invoke_a_function_that_uses_storage() -> None:
    event = json.dumps({"cloudPath": "a/b.txt", "text": "kept", "steps": ["save", "read", "remove"]})
    completed = run_cli("invoke", str(STORAGE_EXAMPLE), "--event", event, env=clean_environ(TCB_ENV=""))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["save"]["fileID"] == "cloud://local.6c6f-local-1300000000/a/b.txt"
    assert result["read"]["text"] == "kept"
    assert result["remove"]["fileList"][0]["status"] == 0


def test_invoke_an_unmodified_node_function_that_uses_storage(tmp_path: Path) -> None:
    ensure_storage_node_modules()
    node_dir = tmp_path / "notes"
    node_dir.mkdir()
    for name in ("index.js", "package.json", "config.json"):
        shutil.copy(STORAGE_EXAMPLE / name, node_dir / name)
    (node_dir / "node_modules").symlink_to(STORAGE_EXAMPLE / "node_modules", target_is_directory=True)
    event = json.dumps({"cloudPath": "n/a.txt", "text": "from node", "steps": ["save", "read"]})
    completed = run_cli("invoke", str(node_dir), "--event", event, env=clean_environ(TCB_ENV=""))
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["save"]["fileID"] == "cloud://local.6c6f-local-1300000000/n/a.txt"
    assert result["read"] == {"text": "from node", "statusCode": 200, "errMsg": "downloadFile:ok"}
