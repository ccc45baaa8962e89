"""What a shared token store costs per call: memory vs file vs Redis, side by side in one run.

Each round makes the same calls through each store against one in-process
emulator (token already cached, the steady state), rounds interleaved so
machine noise hits all stores alike. Prints each store's median time per
call as a ratio to memory's. Needs Redis on 127.0.0.1:6379.

    python bench/bench_token_stores.py [--calls 400] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid

import redis.asyncio as redis_asyncio

import cloudfn
from cloudfn.emulator.server import run_emulator


async def main(calls: int, rounds: int, concurrency: int) -> None:
    prefix = f"cloudfn-bench-{uuid.uuid4().hex}:"
    with tempfile.TemporaryDirectory() as directory:
        stores = {
            "memory": "memory://",
            "file": f"file://{directory}",
            "redis": f"redis://127.0.0.1:6379/0?prefix={prefix}",
        }
        timings: dict[str, list[float]] = {name: [] for name in stores}
        async with run_emulator() as emulator:
            clouds = {
                name: cloudfn.init(
                    base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, token_store=url
                )
                for name, url in stores.items()
            }
            try:
                for cloud in clouds.values():
                    await cloud.openapi.logistics.getPrinter()  # warm: token cached, connections open
                gate = asyncio.Semaphore(concurrency)

                async def one(cloud: cloudfn.Cloud) -> None:
                    async with gate:
                        await cloud.openapi.logistics.getPrinter()

                for _ in range(rounds):
                    for name, cloud in clouds.items():
                        started = time.perf_counter()
                        await asyncio.gather(*(one(cloud) for _ in range(calls)))
                        timings[name].append((time.perf_counter() - started) / calls)
            finally:
                for cloud in clouds.values():
                    await cloud.close()
                client = redis_asyncio.from_url("redis://127.0.0.1:6379/0")
                keys = [key async for key in client.scan_iter(match=prefix + "*")]
                if keys:
                    await client.delete(*keys)
                await client.aclose()
            assert emulator.state.token_requests == len(stores)
    base = statistics.median(timings["memory"])
    print(f"{calls} calls x {rounds} rounds, {concurrency} concurrent, emulator in-process")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:7s} {median * 1e6:8.0f} us/call   x{median / base:.2f} vs memory")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    options = parser.parse_args()
    asyncio.run(main(options.calls, options.rounds, options.concurrency))
