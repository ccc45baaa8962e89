"""How long one large request holds the emulator's event loop, per API: the worst case of each.

An emulator runs in-process on a loopback port; a probe task sends
``GET /__emulator__/state`` back to back the whole time. For every API the
emulator serves, a few bodies of up to ~1 MB are sent, each shaped to make
the server work: every string field of the API's example padded to share
~900 KB, 50,000 small extra keys, and for previewTemplate the adversarial
case (a 900 KB template full of placeholders and as many waybill_data
pairs). For each request it records the longest gap the probe saw while the
request was in flight (the loop hold) and divides it by the body size.

Prints the worst APIs, previewTemplate's figures, and exits 1 when any
request held the loop more than --limit-ms-per-kb (default 2) per KB.

Usage: python bench/bench_loop_hold.py [--limit-ms-per-kb 2] [--top 10]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from cloudfn.api.registry import ApiSpec, default_registry  # noqa: E402
from cloudfn.emulator.server import run_emulator  # noqa: E402
from tests.support.logistics import order_body  # noqa: E402

BUDGET = 900_000
CUSTOM_FIELDS = (
    "add_source",
    "order_id",
    "delivery_id",
    "biz_id",
    "sender",
    "receiver",
    "cargo",
    "shop",
    "insured",
    "service",
)


def example(spec: ApiSpec) -> dict[str, Any]:
    return {
        key: prop.get("x-example", "x")
        for key, prop in spec.request_schema.get("properties", {}).items()
        if isinstance(prop, dict)
    }


def shapes(spec: ApiSpec, waybill: str) -> list[tuple[str, dict[str, Any]]]:
    base = example(spec)
    out: list[tuple[str, dict[str, Any]]] = []
    strings = [k for k, v in base.items() if isinstance(v, str)]
    if strings:
        share = BUDGET // len(strings)
        out.append(("padded strings", {**base, **{k: "a" * share for k in strings}}))
    out.append(("50k extra keys", {**base, "extra": {f"k{i}": i for i in range(50_000)}}))
    if spec.name == "logistics.previewTemplate":
        count = 28_000  # ~920 KB in all, under the 1 MiB body limit
        template = "".join(f"<p>{{{{k{i}}}}}</p>" for i in range(count))

        out.append(
            (
                "placeholders",
                {
                    "waybill_id": waybill,
                    "waybill_template": base64.b64encode(template.encode()).decode(),
                    "waybill_data": "".join(f"##k{i}##v" for i in range(count)) + "##",
                    "custom": {k: v for k, v in order_body("bench-1").items() if k in CUSTOM_FIELDS},
                },
            )
        )
    return out


async def main_async(limit: float, top: int, only: str | None) -> int:
    async with run_emulator() as emulator, aiohttp.ClientSession() as session:
        base = emulator.base_url
        async with session.post(
            f"{base}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret},
        ) as r:
            token = (await r.json())["access_token"]
        async with session.post(
            f"{base}/cgi-bin/express/business/order/add?access_token={token}", json=order_body("bench-1")
        ) as r:
            waybill = (await r.json())["waybill_id"]

        gaps: list[float] = []
        stop = asyncio.Event()

        async def probe() -> None:
            async with aiohttp.ClientSession() as own:
                while not stop.is_set():
                    started = time.perf_counter()
                    async with own.get(f"{base}/__emulator__/state") as r:
                        await r.read()
                    gaps.append(time.perf_counter() - started)

        prober = asyncio.create_task(probe())
        results: list[tuple[float, float, str, str, int, int]] = []
        for spec in default_registry():
            if only and spec.name != only:
                continue
            for shape, body in shapes(spec, waybill):
                raw = json.dumps(body, ensure_ascii=False).encode()
                gaps.clear()
                started = time.perf_counter()
                async with session.request(
                    spec.method if spec.method in ("GET", "POST") else "POST",
                    f"{base}{spec.path}?access_token={token}",
                    data=raw,
                    headers={"Content-Type": "application/json"},
                ) as r:
                    answer = await r.read()
                    status = r.status
                    try:
                        errcode = json.loads(answer).get("errcode", 0)
                    except (ValueError, AttributeError):
                        errcode = "-"
                    if errcode:
                        status = f"{status} errcode {errcode}"  # type: ignore[assignment]
                elapsed = time.perf_counter() - started
                hold = max(gaps, default=elapsed)
                kb = max(1, len(raw) // 1024)
                results.append((hold * 1000 / kb, hold * 1000, spec.name, shape, kb, status))
        stop.set()
        await prober

    results.sort(reverse=True)
    print(f"{len(results)} requests over {len({r[2] for r in results})} APIs; worst loop holds:")
    for per_kb, hold_ms, name, shape, kb, status in results[:top]:
        print(
            f"  {name:45s} {shape:15s} {kb:5d} KB  hold {hold_ms:8.1f} ms  {per_kb:6.3f} ms/KB  HTTP {status}"
        )
    for per_kb, hold_ms, name, shape, kb, _status in results:
        if name == "logistics.previewTemplate":
            print(f"  previewTemplate {shape:15s} {kb:5d} KB  hold {hold_ms:8.1f} ms  {per_kb:6.3f} ms/KB")
    worst = results[0][0]
    print(f"worst: {worst:.3f} ms/KB (limit {limit} ms/KB): {'ok' if worst <= limit else 'OVER'}")
    return 0 if worst <= limit else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit-ms-per-kb", type=float, default=2.0)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--only", metavar="API", help="one API, e.g. logistics.previewTemplate")
    args = parser.parse_args()
    return asyncio.run(main_async(args.limit_ms_per_kb, args.top, args.only))


if __name__ == "__main__":
    sys.exit(main())
