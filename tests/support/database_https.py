"""Helpers of the HTTPS database API tests: the Node SDK as the statements' oracle, credentials."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from cloudfn.emulator.server import RunningEmulator

ORACLE = Path(__file__).resolve().parents[1] / "database" / "https" / "node_statements.js"

# Statements -> what wx-server-sdk 4.0.2 hands its transport for each ({action, params} or {error}).
NodeRequests = Callable[[list[str]], list[dict[str, Any]]]


def node_requests_with(modules: Path) -> NodeRequests:
    def run(statements: list[str]) -> list[dict[str, Any]]:
        done = subprocess.run(
            ["node", str(ORACLE), str(modules)],
            input=json.dumps(statements),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        answers: list[dict[str, Any]] = json.loads(done.stdout)
        return answers

    return run


async def access_token(http: aiohttp.ClientSession, emulator: RunningEmulator) -> str:
    body = {"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret}
    async with http.post(f"{emulator.base_url}/cgi-bin/stable_token", json=body) as response:
        return str((await response.json())["access_token"])


def tcb_environment(emulator: RunningEmulator) -> dict[str, str]:
    """What the platform sets for a function, pointed at the emulator's /admin (the tcb transport reads it)."""
    return {
        "TCB_CONTEXT_CNFG": json.dumps({"URL": f"{emulator.base_url}/admin"}),
        "TENCENTCLOUD_SECRETID": "AKIDunregistered",
        "TENCENTCLOUD_SECRETKEY": "key",
    }
