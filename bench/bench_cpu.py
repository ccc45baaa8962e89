"""Client CPU time per updatePrinter call: cloudfn (HTTPS), cloudfn (tcb) and the Node SDK.

One emulator (its own process, not measured) serves all three clients; each
client is its own process and measures its own CPU time (user + system, all
threads) around N calls at concurrency C, after a warm-up (token fetch,
connections, JIT). Rounds interleave the three clients; the median per client
is printed, as a ratio to the Node SDK. Needs `npm ci` in examples/update_printer.

    python bench/bench_cpu.py [--calls 2000] [--concurrency 32] [--rounds 3]

The Node SDK runs with the environment a cloud function has
(TENCENTCLOUD_RUNENV=SCF; see docs/parity.md), pointed at the emulator's /admin.
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "examples" / "update_printer"
SEED = {"openid": "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw", "updateType": "bind", "tagidList": "123,456"}
APPID, SECRET = "wx0123456789abcdef", "cloudfn-emulator-secret"
CLIENTS = ("cloudfn-https", "cloudfn-tcb", "node-sdk")


async def python_client(transport: str, base_url: str, calls: int, concurrency: int, warmup: int) -> None:
    import cloudfn

    os.environ["TCB_CONTEXT_CNFG"] = json.dumps({"URL": f"{base_url}/admin"})
    os.environ["TENCENTCLOUD_SECRETID"] = "AKIDbench"
    async with cloudfn.init(base_url=base_url, appid=APPID, secret=SECRET, transport=transport) as cloud:
        errors = 0

        async def run(n: int) -> None:
            nonlocal errors
            remaining = iter(range(n))

            async def worker() -> None:
                nonlocal errors
                for _ in remaining:
                    try:
                        await cloud.openapi.logistics.updatePrinter(SEED)
                    except cloudfn.CloudSDKError:
                        errors += 1

            await asyncio.gather(*(worker() for _ in range(min(concurrency, n))))

        await run(warmup)
        errors = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await run(calls)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(json.dumps({"cpu": cpu, "wall": wall, "errors": errors}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base_url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base_url}/__emulator__/state", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the emulator did not start")


def measure(client: str, base_url: str, args: argparse.Namespace) -> dict[str, float]:
    common = [str(args.calls), str(args.concurrency), str(args.warmup)]
    if client == "node-sdk":
        env = {
            **os.environ,
            "TCB_CONTEXT_CNFG": json.dumps({"URL": f"{base_url}/admin"}),
            "TENCENTCLOUD_SECRETID": "AKIDbench",
            "TENCENTCLOUD_SECRETKEY": "bench",
            "TCB_ENV": "bench",
            "TENCENTCLOUD_RUNENV": "SCF",
        }
        command = ["node", str(Path(__file__).with_name("node_client.js")), str(SEED_DIR), *common]
    else:
        env = dict(os.environ)
        command = [sys.executable, __file__, "--client", client.split("-")[1], "--url", base_url]
        command += ["--calls", common[0], "--concurrency", common[1], "--warmup", common[2]]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    if result["errors"]:
        raise SystemExit(f"{client}: {result['errors']:g} calls failed; the figures would mean nothing")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--client", choices=["https", "tcb"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(python_client(args.client, args.url, args.calls, args.concurrency, args.warmup))
        return
    if not (SEED_DIR / "node_modules" / "wx-server-sdk").is_dir():
        raise SystemExit(f"{SEED_DIR}/node_modules: missing. Fix: run `npm ci` in {SEED_DIR}")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    emulator = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(base_url)
        samples: dict[str, list[dict[str, float]]] = {c: [] for c in CLIENTS}
        for _ in range(args.rounds):
            for client in CLIENTS:
                samples[client].append(measure(client, base_url, args))
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    per_call = {c: statistics.median(s["cpu"] for s in samples[c]) / args.calls for c in CLIENTS}
    wall = {c: statistics.median(s["wall"] for s in samples[c]) for c in CLIENTS}
    print(
        f"{args.calls} updatePrinter calls at concurrency {args.concurrency}, median of {args.rounds} rounds"
    )
    print(f"{'client':<15} {'CPU/call':>10} {'vs Node SDK':>12} {'wall':>8}")
    for c in CLIENTS:
        ratio = per_call[c] / per_call["node-sdk"]
        print(f"{c:<15} {per_call[c] * 1e6:>8.0f}µs {ratio:>11.2f}x {wall[c]:>7.2f}s")


if __name__ == "__main__":
    main()
