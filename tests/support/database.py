"""Helpers of the database tests: the emulator's database log, the Node SDK run against the emulator."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from cloudfn.emulator.http import RequestLogEntry
from cloudfn.emulator.server import RunningEmulator

ROOT = Path(__file__).resolve().parents[2]
NODE_EXAMPLE = ROOT / "examples" / "guestbook"
ENV = "db-test-env"


def database_requests(emulator: RunningEmulator) -> list[RequestLogEntry]:
    """The emulator's log of database actions (``.action``, ``.body`` = the params as sent)."""
    return [r for r in emulator.state.requests if r.action]


def node_environment(emulator: RunningEmulator) -> dict[str, str]:
    return {
        **os.environ,
        "TCB_CONTEXT_CNFG": json.dumps({"URL": f"{emulator.base_url}/admin"}),
        "TENCENTCLOUD_SECRETID": "AKIDtest",
        "TENCENTCLOUD_SECRETKEY": "test",
        "TCB_ENV": ENV,
        "SCF_NAMESPACE": ENV,
        "TENCENTCLOUD_RUNENV": "SCF",
        "NODE_PATH": str(NODE_EXAMPLE / "node_modules"),
    }


async def run_node(emulator: RunningEmulator, script: Path) -> list[Any]:
    """Run a Node script (wx-server-sdk against the emulator); its stdout lines are JSON."""
    node = shutil.which("node")
    if node is None or not (NODE_EXAMPLE / "node_modules").is_dir():
        pytest.fail("node and examples/guestbook/node_modules are needed (run npm ci there)")
    process = await asyncio.create_subprocess_exec(
        node,
        str(script),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=node_environment(emulator),
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines() if line.startswith(("{", "[", '"'))]
