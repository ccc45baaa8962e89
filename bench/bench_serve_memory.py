"""`cloudfn serve` memory under many large POSTs: RSS must stay within 100 MB of idle.

Starts `cloudfn serve` on a trivial function (loopback, --port 0) and, for each
shape of body, sends N concurrent POSTs of SIZE bytes each from raw sockets
(the client streams one shared buffer, so it holds next to nothing itself):

- ``content-length``: a declared 10 MB body (over the 6 MiB limit: refused from the header);
- ``chunked``: the same 10 MB sent chunked (refused while it streams);
- ``under-limit``: declared 5 MB bodies the server must accept and read whole.

It samples the server's RSS (/proc/<pid>/status) every 20 ms and prints idle,
peak and after for each shape, the peak growth, and exits 1 when a peak grows
more than --budget-mb (default 100) above idle. Bounded: at most --seconds
(default 120) per shape.

Usage: python bench/bench_serve_memory.py [--concurrency 200] [--size-mb 10] [--budget-mb 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HANDLER = "async def main(event, context):\n    return {'keys': len(event)}\n"
STREAM_CHUNK = b"x" * 65536


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def one_post(port: int, size: int, shape: str) -> str:
    """Send one POST of ``size`` bytes; the status line, or how the connection ended."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        return f"connect failed: {type(exc).__name__}"
    try:
        if shape == "chunked":
            writer.write(b"POST / HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: chunked\r\n\r\n")
        else:
            writer.write(b"POST / HTTP/1.1\r\nHost: bench\r\nContent-Length: %d\r\n\r\n" % size)
        # A JSON object whose one string value is the padding.
        prefix, suffix = b'{"pad": "', b'"}'
        sent = 0

        def frame(data: bytes) -> bytes:
            return b"%x\r\n%s\r\n" % (len(data), data) if shape == "chunked" else data

        writer.write(frame(prefix))
        sent += len(prefix)
        while sent < size - len(suffix):
            piece = STREAM_CHUNK[: min(len(STREAM_CHUNK), size - len(suffix) - sent)]
            writer.write(frame(piece))
            sent += len(piece)
            await writer.drain()
        writer.write(frame(suffix))
        if shape == "chunked":
            writer.write(b"0\r\n\r\n")
        await writer.drain()
    except (ConnectionError, OSError):
        pass  # refused mid-body: the server closed on us; read what it answered
    try:
        line = await asyncio.wait_for(reader.readline(), 60)
        return line.decode(errors="replace").strip() or "closed without an answer"
    except (ConnectionError, OSError, TimeoutError) as exc:
        return f"no answer: {type(exc).__name__}"
    finally:
        writer.close()


async def run_shape(
    pid: int, port: int, shape: str, count: int, size: int, seconds: float
) -> dict[str, object]:
    await asyncio.sleep(0.5)
    idle = rss_kib(pid)
    peak = idle
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kib(pid))
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    started = time.perf_counter()
    try:
        statuses = await asyncio.wait_for(
            asyncio.gather(*(one_post(port, size, shape) for _ in range(count))), seconds
        )
    except TimeoutError:
        statuses = ["unfinished at --seconds"]
    elapsed = time.perf_counter() - started
    done.set()
    await sampler
    await asyncio.sleep(1.0)
    after = rss_kib(pid)
    return {
        "shape": shape,
        "idle_mb": round(idle / 1024, 1),
        "peak_mb": round(peak / 1024, 1),
        "after_mb": round(after / 1024, 1),
        "growth_mb": round((peak - idle) / 1024, 1),
        "seconds": round(elapsed, 1),
        "answers": dict(Counter(re.sub(r"^HTTP/1\.1 ", "", s) for s in statuses)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--size-mb", type=float, default=10)
    parser.add_argument("--under-limit-mb", type=float, default=5)
    parser.add_argument("--budget-mb", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        directory = Path(root) / "echo"
        directory.mkdir()
        (directory / "index.py").write_text(HANDLER)
        (directory / "config.json").write_text(json.dumps({"timeout": 5}))
        process = subprocess.Popen(
            [sys.executable, "-m", "cloudfn", "serve", str(directory), "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=REPO,
        )
        try:
            assert process.stdout is not None
            match = re.search(r":(\d+) ", process.stdout.readline())
            if match is None:
                print("cloudfn serve did not start", file=sys.stderr)
                return 2
            port = int(match.group(1))
            size = int(args.size_mb * 1024 * 1024)
            under = int(args.under_limit_mb * 1024 * 1024)
            results = []
            for shape, body_size in (("content-length", size), ("chunked", size), ("under-limit", under)):
                result = asyncio.run(
                    run_shape(process.pid, port, shape, args.concurrency, body_size, args.seconds)
                )
                results.append(result)
                print(json.dumps(result), flush=True)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    worst = max(float(r["growth_mb"]) for r in results)  # type: ignore[arg-type]
    verdict = "ok" if worst <= args.budget_mb else "OVER BUDGET"
    print(
        f"{args.concurrency} concurrent POSTs: worst RSS growth {worst} MB (budget {args.budget_mb} MB): {verdict}"
    )
    return 0 if worst <= args.budget_mb else 1


if __name__ == "__main__":
    sys.exit(main())
