"""Upload and download of a 10 MB file through cloudfn vs a bare aiohttp PUT/GET on loopback,
and the emulator's RSS growth while it stores and serves the file.

cloudfn's side is the whole call a function makes: ``cloud.uploadFile`` (the upload
ticket, then the streamed PUT or POST) and ``cloud.downloadFile`` (the temporary URL,
then the GET), against the emulator in its own process (files in memory). The bare side
is one aiohttp PUT / GET of the same bytes to a minimal aiohttp server in its own
process that keeps the body the same way (one bytearray). Rounds are interleaved so
machine noise hits both alike; the figures are medians. Targets: throughput ratio
cloudfn / bare >= 0.5 both ways, the emulator's RSS growth < 2x the file size.

    python bench/bench_storage.py [--size-mb 10] [--rounds 9] [--transport https|tcb]
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
from pathlib import Path

import aiohttp
from aiohttp import web

import cloudfn
from cloudfn.emulator.state import DEFAULT_APPID, DEFAULT_SECRET
from cloudfn.transport.tcb import TcbTransport

ENV = "bench-env"


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
    raise SystemExit(f"nothing listens on {port}")


def bare_server(port: int) -> None:
    """A minimal aiohttp object store: PUT keeps the body in a bytearray, GET sends it back."""
    blobs: dict[str, bytearray] = {}

    async def put(request: web.Request) -> web.Response:
        blob = bytearray()
        async for chunk in request.content.iter_chunked(256 * 1024):
            blob += chunk
        blobs[request.path] = blob
        return web.Response()

    async def get(request: web.Request) -> web.StreamResponse:
        blob = blobs[request.path]
        response = web.StreamResponse()
        response.content_length = len(blob)
        await response.prepare(request)
        view = memoryview(blob)
        for start in range(0, len(blob), 256 * 1024):
            await response.write(view[start : start + 256 * 1024])
        return response

    app = web.Application()
    app.router.add_put("/{key:.+}", put)
    app.router.add_get("/{key:.+}", get)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class RssWatch:
    """The most RSS a process reached above its level at the start, sampled every 2 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.start = rss_kib(pid)
        self.peak = self.start
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_kib(self.pid))
            await asyncio.sleep(0.002)

    async def __aenter__(self) -> RssWatch:
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        self.peak = max(self.peak, rss_kib(self.pid))

    @property
    def growth_bytes(self) -> int:
        return (self.peak - self.start) * 1024


async def main(size_mb: int, rounds: int, transport: str) -> None:
    data = os.urandom(size_mb * 1024 * 1024)
    emu_port, bare_port = free_port(), free_port()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(emu_port)], stdout=subprocess.DEVNULL
    )
    bare = subprocess.Popen([sys.executable, __file__, "--bare-server", str(bare_port)])
    base = f"http://127.0.0.1:{emu_port}"
    try:
        await wait_listening(emu_port)
        await wait_listening(bare_port)
        if transport == "tcb":
            cloud = cloudfn.init(
                env=ENV, transport=TcbTransport(url=f"{base}/admin", secret_id="AKIDbench", env=ENV)
            )
        else:
            cloud = cloudfn.init(env=ENV, base_url=base, appid=DEFAULT_APPID, secret=DEFAULT_SECRET)
        async with cloud, aiohttp.ClientSession() as http:
            bare_url = f"http://127.0.0.1:{bare_port}/bench/file.bin"
            times: dict[str, list[float]] = {
                k: [] for k in ("bare up", "cloudfn up", "bare down", "cloudfn down")
            }
            growth = {"upload": 0, "download": 0}
            bare_growth = {"upload": 0, "download": 0}
            # Over the whole run, from before the first byte is stored: the stricter figure.
            whole_run = RssWatch(emulator.pid)
            await whole_run.__aenter__()
            # One warm-up round each (connections, access token), not counted in the timings.
            warm = await cloud.uploadFile({"cloudPath": "bench/file.bin", "fileContent": data})
            await cloud.downloadFile({"fileID": warm["fileID"]})
            await cloud.deleteFile({"fileList": [warm["fileID"]]})
            async with http.put(bare_url, data=data) as response:
                response.raise_for_status()
            for _ in range(rounds):
                # The bare side runs under the same RSS sampling, so both pay its cost alike.
                async with RssWatch(bare.pid) as watch:
                    start = time.perf_counter()
                    async with http.put(bare_url, data=data) as response:
                        response.raise_for_status()
                    times["bare up"].append(time.perf_counter() - start)
                bare_growth["upload"] = max(bare_growth["upload"], watch.growth_bytes)

                async with RssWatch(emulator.pid) as watch:
                    start = time.perf_counter()
                    uploaded = await cloud.uploadFile({"cloudPath": "bench/file.bin", "fileContent": data})
                    times["cloudfn up"].append(time.perf_counter() - start)
                growth["upload"] = max(growth["upload"], watch.growth_bytes)

                async with RssWatch(bare.pid) as watch:
                    start = time.perf_counter()
                    async with http.get(bare_url) as response:
                        body = await response.read()
                    times["bare down"].append(time.perf_counter() - start)
                bare_growth["download"] = max(bare_growth["download"], watch.growth_bytes)
                assert body == data

                async with RssWatch(emulator.pid) as watch:
                    start = time.perf_counter()
                    downloaded = await cloud.downloadFile({"fileID": uploaded["fileID"]})
                    times["cloudfn down"].append(time.perf_counter() - start)
                growth["download"] = max(growth["download"], watch.growth_bytes)
                assert downloaded["fileContent"] == data
                await cloud.deleteFile({"fileList": [uploaded["fileID"]]})
            await whole_run.__aexit__()
            growth["whole run"] = whole_run.growth_bytes
    finally:
        emulator.terminate()
        bare.terminate()
        emulator.wait()
        bare.wait()
    mb = len(data) / 1e6
    speed = {k: mb / statistics.median(v) for k, v in times.items()}
    report = {
        "file_mb": round(mb, 1),
        "transport": transport,
        "rounds": rounds,
        "MB_per_s": {k: round(v, 1) for k, v in speed.items()},
        "ratio_upload": round(speed["cloudfn up"] / speed["bare up"], 2),
        "ratio_download": round(speed["cloudfn down"] / speed["bare down"], 2),
        "emulator_rss_growth_x_file": {k: round(v / len(data), 2) for k, v in growth.items()},
        "bare_server_rss_growth_x_file": {k: round(v / len(data), 2) for k, v in bare_growth.items()},
    }
    print(json.dumps(report, indent=2))
    if os.environ.get("BENCH_VERBOSE"):
        print({k: [round(1000 * t, 1) for t in v] for k, v in times.items()})
    print(
        f"upload {report['ratio_upload']}x, download {report['ratio_download']}x of bare aiohttp (target >= 0.5); "
        f"emulator RSS growth {report['emulator_rss_growth_x_file']} x file size (target < 2)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--transport", choices=("https", "tcb"), default="https")
    parser.add_argument("--bare-server", type=int, default=None, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.bare_server is not None:
        bare_server(options.bare_server)
    else:
        asyncio.run(main(options.size_mb, options.rounds, options.transport))
