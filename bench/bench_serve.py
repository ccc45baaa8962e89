"""`cloudfn serve examples/update_printer`: invocations per second at concurrency 32.

Starts `cloudfn emulator` and `cloudfn serve` (pointed at it) as subprocesses,
drives POST / with N requests, 32 in flight, and prints the rate beside the
rate of GET /healthz (the HTTP floor of the same server) measured the same way.
Usage: python bench/bench_serve.py [requests]
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parent.parent
CONCURRENCY = 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def drive(url: str, total: int, method: str) -> float:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)
    failures = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if method == "POST":
                response_cm = session.post(
                    url, json={}, headers={"x-wx-openid": "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"}
                )
            else:
                response_cm = session.get(url)
            async with response_cm as response:
                body = await response.json()
                if response.status != 200 or (method == "POST" and body.get("errCode") != 0):
                    failures += 1

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{failures} of {total} requests failed")
    return total / elapsed


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    emulator_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFN_")}
    emulator = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(emulator_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    from cloudfn.emulator.state import DEFAULT_APPID, DEFAULT_SECRET

    serve_env = {
        **env,
        "CLOUDFN_BASE_URL": f"http://127.0.0.1:{emulator_port}",
        "CLOUDFN_APPID": DEFAULT_APPID,
        "CLOUDFN_SECRET": DEFAULT_SECRET,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "serve", "examples/update_printer", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=serve_env,
        cwd=REPO,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = re.search(r"on (http://\S+)", line)
        if url is None:
            raise SystemExit(f"serve did not start: {line!r}")
        time.sleep(0.5)  # let the emulator finish starting
        asyncio.run(drive(url.group(1) + "/", 200, "POST"))  # warm up: token, connections
        health = asyncio.run(drive(url.group(1) + "/healthz", total, "GET"))
        invocations = asyncio.run(drive(url.group(1) + "/", total, "POST"))
        print(f"GET /healthz (HTTP floor)              : {health:8.0f} req/s (concurrency {CONCURRENCY})")
        print(f"POST / update_printer via the emulator : {invocations:8.0f} invocations/s ({total} requests)")
        print(f"ratio invocations/healthz              : {invocations / health:8.2f}")
    finally:
        for process in (server, emulator):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


if __name__ == "__main__":
    main()
