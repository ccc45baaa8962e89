"""Where cloudfn's own per-call CPU goes: the pipeline with the network taken out, step by step.

bench_cpu.py measures whole calls against an emulator; the difference between
cloudfn and raw aiohttp there is cloudfn's own work. This script measures that
work alone, in one process, with a transport that answers from memory: each
step of ``cloud.openapi.logistics.updatePrinter(...)`` and the whole call, and
raw aiohttp's own share of the same work (encode the body, parse the answer).

    python bench/bench_pipeline.py [--calls 50000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable

import cloudfn
from cloudfn.api.call import decode
from cloudfn.redact import Secret
from cloudfn.transport import https as https_module
from cloudfn.transport.base import ApiRequest, ApiResponse
from cloudfn.transport.https import HttpsTransport

SEED = {"openid": "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw", "updateType": "bind", "tagidList": "123,456"}
WIRE = {"openid": SEED["openid"], "update_type": "bind", "tagid_list": "123,456"}
ANSWER = ApiResponse(200, "application/json; charset=utf-8", b'{"errcode":0,"errmsg":"ok"}', {})


class MemoryTransport:
    async def send(self, request: ApiRequest) -> ApiResponse:
        return ANSWER

    async def close(self) -> None:
        return None


async def per_call(step: Callable[[], Awaitable[object] | object], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        result = step()
        if asyncio.iscoroutine(result):
            await result
    return (time.process_time() - start) / calls * 1e6


async def main(calls: int, rounds: int) -> None:
    cloud = cloudfn.init(transport=MemoryTransport(), appid="wx0", secret="s")
    caller = cloud._caller
    request = caller.prepare("logistics.updatePrinter", SEED, appid=None, convert_case=True)
    https = HttpsTransport(appid="wx0", secret=Secret("s"), base_url="http://127.0.0.1:9")

    async def https_wrapper() -> None:
        # HttpsTransport.send around a request that is answered at once: token cache, retry policy,
        # network-error mapping; the aiohttp exchange itself is replaced.
        await https.send(request)

    async def answered(session: object, url: object, req: ApiRequest, query: object) -> ApiResponse:
        return ANSWER

    https_module.exchange = answered  # type: ignore[assignment]
    provider = https.provider()
    from cloudfn.tokens.store import CachedToken

    provider._cached = CachedToken("t" * 128, time.time() + 7200)

    async def timeout_scope() -> None:
        async with asyncio.timeout(15):  # noqa: ASYNC100 - the scope's own cost is what is measured
            pass

    def raw_json_work() -> None:
        json.dumps(WIRE, ensure_ascii=False, separators=(",", ":")).encode()
        json.loads(ANSWER.body)

    steps: dict[str, Callable[[], Awaitable[object] | object]] = {
        "prepare (permission, casing, validation, encoding)": lambda: caller.prepare(
            "logistics.updatePrinter", SEED, appid=None, convert_case=True
        ),
        "the call's timeout scope": timeout_scope,
        "decode (errcode, casing, errMsg)": lambda: decode("logistics.updatePrinter", ANSWER),
        "HttpsTransport.send without the exchange": https_wrapper,
        "whole call, transport answering from memory": lambda: cloud.openapi.logistics.updatePrinter(SEED),
        "raw aiohttp's share (encode body, parse answer)": raw_json_work,
    }
    results: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            results[name].append(await per_call(step, calls))
    print(f"CPU per call, median of {rounds} rounds of {calls}")
    for name, values in results.items():
        print(f"  {statistics.median(values):6.1f} µs  {name}")
    whole = statistics.median(results["whole call, transport answering from memory"])
    raw = statistics.median(results["raw aiohttp's share (encode body, parse answer)"])
    https_extra = statistics.median(results["HttpsTransport.send without the exchange"])
    print(f"cloudfn's own work beyond raw aiohttp's: about {whole + https_extra - raw:.1f} µs per call")
    await https.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    asyncio.run(main(options.calls, options.rounds))
