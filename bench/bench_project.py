"""A served project: Node functions through `cloudfn serve`, and callFunction between functions.

Starts `cloudfn serve bench/project --emulator` (its functions: `work`, a Node
function making one cloud call; `echo_node` and `echo_py`, which return their
event) and measures, sequentially, per call (median of the round medians):

1. invoking `work` through `cloudfn serve` (POST /work from this process) vs the
   same function driven directly by a Node harness (require + main in a loop)
   against the same emulator: the serving overhead (target <= 1.3x);
2. `cloud.callFunction` Python -> Python (`echo_py`) vs a direct in-process call
   of the callee's main: reported;
3. `cloud.callFunction` Python -> Node (`echo_node`, from this process) vs
   Node -> Node (wx-server-sdk's callFunction from a node process): target <= 1.0x.

Rounds are interleaved so machine noise hits every side alike.
Usage: python bench/bench_project.py [calls-per-round] [rounds]
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

import cloudfn

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "bench" / "project"
DRIVER = REPO / "bench" / "node_project_driver.js"
SDK_MODULES = REPO / "examples" / "project" / "cloudfunctions" / "orders" / "node_modules"
APPID, SECRET = "wx0123456789abcdef", "cloudfn-emulator-secret"


def ensure_node_modules() -> Path:
    """The bench project shares the example's installed wx-server-sdk (require looks upward)."""
    if not (SDK_MODULES / "wx-server-sdk").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=SDK_MODULES.parent, check=True)
    link = PROJECT / "node_modules"
    if not link.exists():
        link.symlink_to(SDK_MODULES, target_is_directory=True)
    return link


def start_serve(log: Path) -> tuple[subprocess.Popen[str], str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFN_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "serve", str(PROJECT), "--emulator", "--port", "0", "--no-timers"],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        env=env,
        cwd=REPO,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    serve_url = re.search(r"(http://[0-9.]+:[0-9]+)", line)
    emulator_url = re.search(r"embedded emulator at (http://\S+)", log.read_text())
    if serve_url is None or emulator_url is None:
        process.kill()
        raise SystemExit(f"cloudfn serve did not start: {line!r}\n{log.read_text()}")
    return process, serve_url.group(1), emulator_url.group(1)


def node_environ(emulator_url: str) -> dict[str, str]:
    """What the platform gives a Node function, pointed at the emulator (as cloudfn serve does)."""
    return {
        **os.environ,
        "TCB_CONTEXT_CNFG": json.dumps({"URL": f"{emulator_url}/admin"}),
        "TENCENTCLOUD_SECRETID": "AKIDbench",
        "TENCENTCLOUD_SECRETKEY": "bench",
        "TCB_ENV": "local",
        "SCF_NAMESPACE": "local",
        "TENCENTCLOUD_RUNENV": "SCF",
        "TCB_CONTEXT_KEYS": "TCB_ENV,TCB_SEQID,TCB_SOURCE",
    }


def node_driver(mode: str, target: str, calls: int, emulator_url: str) -> list[float]:
    completed = subprocess.run(
        ["node", str(DRIVER), mode, target, str(calls)],
        capture_output=True,
        text=True,
        env=node_environ(emulator_url),
        cwd=REPO,
        check=True,
    )
    return [t / 1e6 for t in json.loads(completed.stdout.strip().splitlines()[-1])]


async def through_serve(serve_url: str, calls: int) -> list[float]:
    times = []
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{serve_url}/work", json={"n": -1}) as response:
            await response.read()
        for i in range(calls):
            started = time.perf_counter()
            async with session.post(f"{serve_url}/work", json={"n": i}) as response:
                body = await response.json()
            times.append(time.perf_counter() - started)
            assert response.status == 200 and body["n"] == i, body
    return times


async def python_calls(emulator_url: str, target: str, calls: int) -> list[float]:
    times = []
    async with cloudfn.init(base_url=emulator_url, appid=APPID, secret=SECRET) as cloud:
        await cloud.callFunction({"name": target, "data": {"n": -1}})
        for i in range(calls):
            started = time.perf_counter()
            answer = await cloud.callFunction({"name": target, "data": {"n": i}})
            times.append(time.perf_counter() - started)
            assert answer["result"] == {"echo": i}, answer
    return times


async def direct_python(calls: int) -> list[float]:
    spec = importlib.util.spec_from_file_location("bench_echo_py", PROJECT / "echo_py" / "index.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    times = []
    for i in range(calls):
        started = time.perf_counter()
        answer = await module.main({"n": i}, {})
        times.append(time.perf_counter() - started)
        assert answer == {"echo": i}
    return times


def us(seconds: float) -> str:
    return f"{seconds * 1e6:9.0f}µs"


async def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if shutil.which("node") is None:
        raise SystemExit("node: not found on PATH")
    link = ensure_node_modules()
    made_link = link.is_symlink()
    with tempfile.TemporaryDirectory() as scratch:
        process, serve_url, emulator_url = start_serve(Path(scratch) / "serve.log")
        try:
            results: dict[str, list[float]] = {
                k: [] for k in ("serve", "direct", "py_py", "inproc", "py_node", "node_node")
            }
            for _ in range(rounds):
                results["serve"].append(statistics.median(await through_serve(serve_url, calls)))
                results["direct"].append(
                    statistics.median(node_driver("direct", "bench/project/work", calls, emulator_url))
                )
                results["py_py"].append(statistics.median(await python_calls(emulator_url, "echo_py", calls)))
                results["inproc"].append(statistics.median(await direct_python(calls)))
                results["py_node"].append(
                    statistics.median(await python_calls(emulator_url, "echo_node", calls))
                )
                results["node_node"].append(
                    statistics.median(node_driver("call", "echo_node", calls, emulator_url))
                )
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            if made_link:
                link.unlink()
    m = {k: statistics.median(v) for k, v in results.items()}
    print(f"{calls} sequential calls per side, {rounds} interleaved rounds, median per call")
    print(f"{'what':58} {'per call':>11}  ratio")
    print(
        f"{'Node function `work` through cloudfn serve (POST /work)':58} {us(m['serve'])}  {m['serve'] / m['direct']:.2f}x  (target <= 1.3x)"
    )
    print(f"{'  the same function driven directly by a Node harness':58} {us(m['direct'])}  1.00x")
    print(
        f"{'callFunction Python -> Python (echo_py)':58} {us(m['py_py'])}  {m['py_py'] / m['inproc']:.0f}x  (reported)"
    )
    print(f"{'  direct in-process call of the callee':58} {us(m['inproc'])}  1x")
    print(
        f"{'callFunction Python -> Node (echo_node)':58} {us(m['py_node'])}  {m['py_node'] / m['node_node']:.2f}x  (target <= 1.0x)"
    )
    print(f"{'  Node -> Node (wx-server-sdk callFunction)':58} {us(m['node_node'])}  1.00x")


if __name__ == "__main__":
    asyncio.run(main())
