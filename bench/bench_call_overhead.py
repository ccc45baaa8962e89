"""Per-call cost of cloud.openapi.logistics.updatePrinter vs a raw aiohttp POST of the same body.

Both talk to the same emulator (a separate process, so its work is not
counted in ours twice), with the access token cached, in interleaved blocks
so machine noise hits both alike. Prints the ratio cloudfn / raw; the target
is <= 1.15.

    python bench/bench_call_overhead.py [--calls 300] [--rounds 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import aiohttp

import cloudfn
from cloudfn.emulator.state import DEFAULT_APPID, DEFAULT_SECRET, SEED_OPENID

PARAMS = {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,456"}
WIRE = {"openid": SEED_OPENID, "update_type": "bind", "tagid_list": "123,456"}
PATH = "/cgi-bin/express/business/printer/update"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_listening(port: int) -> None:
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise SystemExit("emulator did not start")


async def main(calls: int, rounds: int) -> None:
    port = free_port()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_listening(port)
        async with (
            cloudfn.init(base_url=base, appid=DEFAULT_APPID, secret=DEFAULT_SECRET) as cloud,
            aiohttp.ClientSession() as http,
        ):
            await cloud.openapi.logistics.updatePrinter(PARAMS)  # warm: token cached, pool open
            async with http.post(
                f"{base}/cgi-bin/stable_token",
                json={
                    "grant_type": "client_credential",
                    "appid": DEFAULT_APPID,
                    "secret": DEFAULT_SECRET,
                },
            ) as response:
                token = (await response.json())["access_token"]
            url = f"{base}{PATH}"

            async def raw() -> None:
                async with http.post(
                    url,
                    params={"access_token": token},
                    data=json.dumps(WIRE, ensure_ascii=False, separators=(",", ":")).encode(),
                    headers={"Content-Type": "application/json; charset=utf-8"},
                ) as response:
                    answer = json.loads(await response.read())
                    assert answer["errcode"] == 0

            async def shim() -> None:
                result = await cloud.openapi.logistics.updatePrinter(PARAMS)
                assert result["errCode"] == 0

            async def block(fn) -> float:  # type: ignore[no-untyped-def]
                start = time.perf_counter()
                for _ in range(calls):
                    await fn()
                return (time.perf_counter() - start) / calls

            for _ in range(2):  # warm both paths
                await block(raw)
                await block(shim)
            raw_times: list[float] = []
            shim_times: list[float] = []
            for i in range(rounds):
                order = (raw, shim) if i % 2 == 0 else (shim, raw)
                for fn in order:
                    (raw_times if fn is raw else shim_times).append(await block(fn))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)

    raw_med = statistics.median(raw_times)
    shim_med = statistics.median(shim_times)
    print(f"calls per block: {calls}, rounds: {rounds} (interleaved)")
    print(f"raw aiohttp POST        median {raw_med * 1e6:8.1f} us/call")
    print(f"cloudfn updatePrinter   median {shim_med * 1e6:8.1f} us/call")
    print(f"ratio cloudfn/raw: {shim_med / raw_med:.3f}  (target <= 1.15)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.rounds))
