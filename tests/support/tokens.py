"""Shared pieces of the token-store tests: unique Redis prefixes, a fleet of worker processes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import redis.asyncio as redis_asyncio

REDIS_URL = "redis://127.0.0.1:6379/0"
WORKER = Path(__file__).with_name("tokens_fleet_worker.py")
STARTUP_BOUND_S = 60.0
PHASE_BOUND_S = 120.0


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    prefix = f"cloudfn-test-{uuid.uuid4().hex}:"
    try:
        yield prefix
    finally:
        client = redis_asyncio.from_url(REDIS_URL)
        try:
            keys = [key async for key in client.scan_iter(match=prefix + "*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()


class Fleet:
    """Worker processes, each with its own Cloud, driven phase by phase over stdin/stdout."""

    def __init__(self, processes: list[asyncio.subprocess.Process]) -> None:
        self.processes = processes

    async def run_phase(self, calls: int) -> list[dict[str, Any]]:
        """All workers fire ``calls`` concurrent calls at once; returns each worker's tally."""
        for process in self.processes:
            assert process.stdin is not None
            process.stdin.write(f"go {calls}\n".encode())
            await process.stdin.drain()
        async with asyncio.timeout(PHASE_BOUND_S):
            return [json.loads(await _line(p)) for p in self.processes]


async def _line(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    line = await process.stdout.readline()
    if not line:
        raise AssertionError(f"worker {process.pid} exited early with {await process.wait()}")
    return line.decode().strip()


@asynccontextmanager
async def fleet(count: int, *, base_url: str, appid: str, secret: str, store: str) -> AsyncIterator[Fleet]:
    env = {
        **os.environ,
        "CLOUDFN_BASE_URL": base_url,
        "CLOUDFN_APPID": appid,
        "CLOUDFN_SECRET": secret,
        "CLOUDFN_TOKEN_STORE": store,
    }
    processes: list[asyncio.subprocess.Process] = []
    try:
        for _ in range(count):
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(WORKER),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    env=env,
                )
            )
        async with asyncio.timeout(STARTUP_BOUND_S):
            for process in processes:
                assert await _line(process) == "ready"
        yield Fleet(processes)
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
            await process.wait()
