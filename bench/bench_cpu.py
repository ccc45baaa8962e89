"""Client CPU time per updatePrinter call: raw aiohttp, cloudfn (https, tcb), wechatpy, the Node SDK.

One emulator (its own process, not measured) serves every client; each client
is its own process and measures its own CPU time (user + system, all threads)
around N calls at concurrency C, after a warm-up (token fetch, connections,
JIT). Rounds interleave the clients; the median per client is printed, as a
ratio to raw aiohttp: a bare POST of the same JSON body with the access token,
the floor any aiohttp-based client stands on. Run at 1 and at 32 calls in
flight; wechatpy (its sync client, on requests) runs at 1 only.

    python bench/bench_cpu.py [--calls 2000] [--concurrency 1,32] [--rounds 3]

Needs `npm ci` in examples/update_printer for the Node SDK, and the bench
extra (`pip install -e '.[bench]'`: wechatpy) for wechatpy; a client that is
not installed is left out of the table, said so. The Node SDK runs with the
environment a cloud function has (TENCENTCLOUD_RUNENV=SCF; see
docs/parity.md), pointed at the emulator's /admin.
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
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "examples" / "update_printer"
SEED = {"openid": "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw", "updateType": "bind", "tagidList": "123,456"}
WIRE_BODY = {"openid": SEED["openid"], "update_type": "bind", "tagid_list": "123,456"}
UPDATE_PATH = "/cgi-bin/express/business/printer/update"
APPID, SECRET = "wx0123456789abcdef", "cloudfn-emulator-secret"
CLIENTS = ("raw-aiohttp", "cloudfn-https", "cloudfn-tcb", "wechatpy", "node-sdk")
SEQUENTIAL_ONLY = {"wechatpy"}  # a blocking client: one call in flight


def report(cpu: float, wall: float, errors: int) -> None:
    print(json.dumps({"cpu": cpu, "wall": wall, "errors": errors}))


async def timed_runs(call: Callable[[], Awaitable[bool]], calls: int, concurrency: int, warmup: int) -> None:
    """Warm up, then ``calls`` calls at ``concurrency``; ``call`` returns False for a failed call."""
    errors = 0

    async def run(n: int) -> None:
        nonlocal errors
        remaining = iter(range(n))

        async def worker() -> None:
            nonlocal errors
            for _ in remaining:
                if not await call():
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(min(concurrency, n))))

    await run(warmup)
    errors = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await run(calls)
    report(time.process_time() - cpu0, time.perf_counter() - wall0, errors)


async def cloudfn_client(transport: str, base_url: str, calls: int, concurrency: int, warmup: int) -> None:
    import cloudfn

    os.environ["TCB_CONTEXT_CNFG"] = json.dumps({"URL": f"{base_url}/admin"})
    os.environ["TENCENTCLOUD_SECRETID"] = "AKIDbench"
    async with cloudfn.init(base_url=base_url, appid=APPID, secret=SECRET, transport=transport) as cloud:
        update = cloud.openapi.logistics.updatePrinter

        async def call() -> bool:
            try:
                await update(SEED)
            except cloudfn.CloudSDKError:
                return False
            return True

        await timed_runs(call, calls, concurrency, warmup)


async def raw_aiohttp_client(base_url: str, calls: int, concurrency: int, warmup: int) -> None:
    """The floor: the same POST with aiohttp and nothing else (token fetched once, up front)."""
    import aiohttp
    from yarl import URL

    connector = aiohttp.TCPConnector(limit=100, ttl_dns_cache=300)
    async with aiohttp.ClientSession(connector=connector) as session:
        grant = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
        async with session.post(f"{base_url}/cgi-bin/stable_token", json=grant) as response:
            token = (await response.json())["access_token"]
        url = URL(base_url + UPDATE_PATH).with_query({"access_token": token})
        headers = {"Content-Type": "application/json; charset=utf-8"}

        async def call() -> bool:
            body = json.dumps(WIRE_BODY, ensure_ascii=False, separators=(",", ":")).encode()
            async with session.post(url, data=body, headers=headers) as response:
                answer = json.loads(await response.read())
            return bool(answer.get("errcode") == 0)

        await timed_runs(call, calls, concurrency, warmup)


def wechatpy_client(base_url: str, calls: int, warmup: int) -> None:
    """wechatpy's own client (requests, blocking), its base URL and token endpoint aimed at the emulator."""
    from wechatpy import WeChatClient
    from wechatpy.exceptions import WeChatClientException

    class EmulatorClient(WeChatClient):  # type: ignore[misc]
        API_BASE_URL = f"{base_url}/cgi-bin/"

        def fetch_access_token(self) -> object:
            return self._fetch_access_token(
                url=f"{base_url}/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )

    client = EmulatorClient(APPID, SECRET)

    def run(n: int) -> int:
        errors = 0
        for _ in range(n):
            try:
                client.post("express/business/printer/update", data=dict(WIRE_BODY))
            except WeChatClientException:
                errors += 1
        return errors

    run(warmup)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    errors = run(calls)
    report(time.process_time() - cpu0, time.perf_counter() - wall0, errors)


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


def available(client: str) -> str | None:
    """None when the client can run here, else why not."""
    if client == "node-sdk" and not (SEED_DIR / "node_modules" / "wx-server-sdk").is_dir():
        return f"run `npm ci` in {SEED_DIR}"
    if client == "wechatpy":
        probe = subprocess.run([sys.executable, "-c", "import wechatpy"], capture_output=True)
        if probe.returncode != 0:
            return "pip install -e '.[bench]'"
    return None


def measure(client: str, base_url: str, calls: int, concurrency: int, warmup: int) -> dict[str, float]:
    common = [str(calls), str(concurrency), str(warmup)]
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
        command = [sys.executable, __file__, "--client", client, "--url", base_url]
        command += ["--calls", common[0], "--concurrency", common[1], "--warmup", common[2]]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    if result["errors"]:
        raise SystemExit(f"{client}: {result['errors']:g} calls failed; the figures would mean nothing")
    return result


def run_client(args: argparse.Namespace) -> None:
    concurrency = int(args.concurrency)
    if args.client == "raw-aiohttp":
        asyncio.run(raw_aiohttp_client(args.url, args.calls, concurrency, args.warmup))
    elif args.client == "wechatpy":
        wechatpy_client(args.url, args.calls, args.warmup)
    else:
        transport = args.client.removeprefix("cloudfn-")
        asyncio.run(cloudfn_client(transport, args.url, args.calls, concurrency, args.warmup))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument(
        "--concurrency", default="1,32", help="calls in flight, comma-separated (default 1,32)"
    )
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--clients", default=",".join(CLIENTS), help="comma-separated subset of " + ", ".join(CLIENTS)
    )
    parser.add_argument("--client", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        run_client(args)
        return
    levels = [int(c) for c in args.concurrency.split(",")]
    wanted = [c for c in args.clients.split(",") if c]
    clients = []
    for client in wanted:
        reason = available(client)
        if reason:
            print(f"{client}: left out ({reason})")
        else:
            clients.append(client)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    emulator = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: dict[tuple[str, int], list[dict[str, float]]] = {}
    try:
        wait_ready(base_url)
        for _ in range(args.rounds):
            for level in levels:
                for client in clients:
                    if level > 1 and client in SEQUENTIAL_ONLY:
                        continue
                    result = measure(client, base_url, args.calls, level, args.warmup)
                    samples.setdefault((client, level), []).append(result)
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    per_call = {key: statistics.median(s["cpu"] for s in runs) / args.calls for key, runs in samples.items()}
    print(f"{args.calls} updatePrinter calls per run, median of {args.rounds} rounds; client CPU per call")
    header = f"{'client':<15}" + "".join(f"{f'C={level}':>12}{'vs raw':>9}" for level in levels)
    print(header)
    for client in clients:
        row = f"{client:<15}"
        for level in levels:
            value = per_call.get((client, level))
            base = per_call.get(("raw-aiohttp", level))
            if value is None:
                row += f"{'-':>12}{'':>9}"
            else:
                ratio = f"{value / base:.2f}x" if base else ""
                row += f"{value * 1e6:>10.0f}µs{ratio:>9}"
        print(row)


if __name__ == "__main__":
    main()
