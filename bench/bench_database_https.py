"""What the HTTPS database API costs next to /admin, measured side by side in one run.

10,000 documents are seeded; the two requests of the database issue are timed:
``where({owner, done}).orderBy("score", "desc").limit(20).get()`` and
``doc(id).update({data: {score: _.inc(1)}})``.

1. statement: generate_statement + parse_statement per request, next to
   json.dumps + json.loads of the same /admin body (what the HTTPS path adds);
2. emulator: per request, the HTTPS route's work (parse + execute + the pager's
   count) next to the /admin action (execute) and next to the engine alone
   (mongomock find/sort/limit, update_one), all in this process;
3. client CPU per call: cloud.database() over https next to over tcb, against
   one emulator in its own process (not measured), each client its own process.

    python bench/bench_database_https.py [--docs 10000] [--repeat 200] [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APPID, SECRET = "wx0123456789abcdef", "cloudfn-emulator-secret"
ENV, COLLECTION = "bench-env", "scores"
QUERY = "db.collection('scores').where({owner: 'u7', done: false}).orderBy('score', 'desc').limit(20).get()"
UPDATE = "db.collection('scores').doc('d42').update({data: {score: _.inc(1)}})"


def documents(count: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    return [
        {
            "_id": f"d{i}",
            "owner": f"u{i % 50}",
            "done": rng.random() < 0.5,
            "score": rng.randrange(1000),
            "n": i,
        }
        for i in range(count)
    ]


def per_call(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        samples.append((time.perf_counter() - start) / repeat)
    return min(samples)


def statement_costs(repeat: int) -> None:
    from cloudfn.dbstatement import generate_statement, parse_statement

    print("1. statement per request (generate + parse) vs JSON of the /admin body")
    for name, statement in (("query", QUERY), ("update", UPDATE)):
        parsed = parse_statement(statement)
        body = {**parsed.params, "action": parsed.action, "envName": ENV}
        statement_time = per_call(
            lambda p=parsed: parse_statement(generate_statement(p.action, p.params)), repeat
        )
        json_time = per_call(lambda b=body: json.loads(json.dumps(b)), repeat)
        print(
            f"   {name:6} statement {statement_time * 1e6:8.1f} us   json {json_time * 1e6:6.1f} us"
            f"   ratio {statement_time / json_time:6.1f}x"
        )


def emulator_costs(count: int, repeat: int) -> None:
    from cloudfn.dbstatement import parse_statement
    from cloudfn.emulator.database import execute
    from cloudfn.emulator.database_https import run_statement
    from cloudfn.emulator.state import EmulatorState

    state = EmulatorState()
    state.database.env(ENV).load(COLLECTION, documents(count))
    collection = state.database.env(ENV).get(COLLECTION)
    assert collection is not None
    print(f"2. emulator per request, {count} documents")
    for name, statement in (("query", QUERY), ("update", UPDATE)):
        parsed = parse_statement(statement)

        def https_route(parsed: Any = parsed, statement: str = statement) -> Any:
            return run_statement(state, ENV, parse_statement(statement))

        def admin_action(parsed: Any = parsed) -> Any:
            return execute(state, ENV, parsed.action, parsed.params)

        if name == "query":

            def engine() -> Any:
                return list(collection.find({"owner": "u7", "done": False}).sort([("score", -1)]).limit(20))
        else:

            def engine() -> Any:
                return collection.update_one({"_id": "d42"}, {"$inc": {"score": 1}})

        https_time = per_call(https_route, repeat)
        admin_time = per_call(admin_action, repeat)
        engine_time = per_call(engine, repeat)
        print(
            f"   {name:6} https route {https_time * 1e3:7.3f} ms   /admin {admin_time * 1e3:7.3f} ms"
            f"   engine {engine_time * 1e3:7.3f} ms   https/admin {https_time / admin_time:5.2f}x"
            f"   https/engine {https_time / engine_time:5.2f}x   admin/engine {admin_time / engine_time:5.2f}x"
        )


async def client(transport: str, base_url: str, calls: int) -> None:
    import cloudfn

    os.environ["TCB_CONTEXT_CNFG"] = json.dumps({"URL": f"{base_url}/admin"})
    os.environ["TENCENTCLOUD_SECRETID"] = "AKIDbench"
    async with cloudfn.init(
        base_url=base_url, appid=APPID, secret=SECRET, transport=transport, env=ENV
    ) as cloud:
        db = cloud.database()
        command = db.command
        scores = db.collection(COLLECTION)

        async def one() -> None:
            await scores.where({"owner": "u7", "done": False}).orderBy("score", "desc").limit(20).get()
            await scores.doc("d42").update({"data": {"score": command.inc(1)}})

        for _ in range(20):
            await one()
        cpu0 = time.process_time()
        for _ in range(calls):
            await one()
        print(json.dumps({"cpu_per_pair_ms": (time.process_time() - cpu0) / calls * 1e3}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(base_url: str, count: int) -> None:
    import cloudfn

    async with cloudfn.init(base_url=base_url, appid=APPID, secret=SECRET, env=ENV) as cloud:
        db = cloud.database()
        await db.createCollection(COLLECTION)
        batch = documents(count)
        for start in range(0, count, 500):
            await db.collection(COLLECTION).add({"data": batch[start : start + 500]})


def client_costs(count: int, calls: int) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    emulator = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        asyncio.run(seed(base_url, count))
        results: dict[str, list[float]] = {"https": [], "tcb": []}
        for _ in range(3):
            for transport in results:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--client",
                        transport,
                        "--base-url",
                        base_url,
                        "--calls",
                        str(calls),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[transport].append(json.loads(out.stdout.strip().splitlines()[-1])["cpu_per_pair_ms"])
        https, tcb = statistics.median(results["https"]), statistics.median(results["tcb"])
        print("3. client CPU per query + update pair (median of 3 rounds)")
        print(f"   https {https:6.3f} ms   tcb {tcb:6.3f} ms   https/tcb {https / tcb:5.2f}x")
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--client")
    parser.add_argument("--base-url")
    args = parser.parse_args()
    if args.client:
        asyncio.run(client(args.client, args.base_url, args.calls))
        return
    statement_costs(args.repeat * 10)
    emulator_costs(args.docs, args.repeat)
    client_costs(args.docs, args.calls)


if __name__ == "__main__":
    main()
