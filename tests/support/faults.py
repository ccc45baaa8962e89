"""Fault scenarios: one fault, one call, and what the emulator saw. Run as a script for the table.

``python -m tests.support.faults`` prints the fault x outcome table from real runs.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

import cloudfn
from cloudfn.emulator.faults.rules import FaultRule
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import SEED_OPENID

FAST_RETRY = {"attempts": 3, "backoff": 0.01, "max_backoff": 0.05}
HANG_GUARD_S = 10.0  # beyond any scenario's own timeout: a call still running then has hung
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{100,}")  # emulator tokens are 128 such characters

TOKEN_PATHS = ("/cgi-bin/stable_token", "/cgi-bin/token")
UPDATE = "logistics.updatePrinter"
GET = "logistics.getPrinter"


@dataclass(frozen=True)
class Scenario:
    name: str
    rules: tuple[dict[str, Any], ...]
    api: str = UPDATE
    outcome: str | int = "ok"  # "ok" or the CloudSDKError errCode
    api_requests: int = 1  # requests the emulator saw for the API (faulted ones included)
    token_requests: int = 1
    timeout: float = 5.0
    retry: dict[str, Any] = field(default_factory=lambda: dict(FAST_RETRY))


def quota(errcode: int) -> dict[str, Any]:
    return {"api": UPDATE, "kind": "errcode", "value": errcode}


SCENARIOS = [
    Scenario("errcode -1 x2", ({"api": UPDATE, "kind": "errcode", "value": -1, "times": 2},), api_requests=3),
    Scenario(
        "errcode -1 always", ({"api": UPDATE, "kind": "errcode", "value": -1},), outcome=-1, api_requests=3
    ),
    Scenario("HTTP 500 x1", ({"api": UPDATE, "kind": "http", "value": 500, "times": 1},), api_requests=2),
    Scenario(
        "HTTP 502 always", ({"api": UPDATE, "kind": "http", "value": 502},), outcome=-601001, api_requests=3
    ),
    Scenario("reset x1 (POST)", ({"api": UPDATE, "kind": "reset", "times": 1},), outcome=-601003),
    Scenario("reset x1 (GET)", ({"api": GET, "kind": "reset", "times": 1},), api=GET, api_requests=2),
    Scenario("latency 0.2s < timeout", ({"api": UPDATE, "kind": "latency", "value": 0.2},)),
    Scenario(
        "latency 3s > timeout 0.5s",
        ({"api": UPDATE, "kind": "latency", "value": 3},),
        outcome=-604102,
        timeout=0.5,
    ),
    Scenario(
        "token expiry x1",
        ({"api": UPDATE, "kind": "expire_token", "times": 1},),
        api_requests=2,
        token_requests=2,
    ),
    Scenario(
        "token invalidation x1",
        ({"api": UPDATE, "kind": "invalidate_token", "times": 1},),
        api_requests=2,
        token_requests=2,
    ),
    Scenario(
        "errcode 45009 (daily quota)", ({"api": UPDATE, "kind": "errcode", "value": 45009},), outcome=45009
    ),
    Scenario(
        "errcode 45011 (minute quota)", ({"api": UPDATE, "kind": "errcode", "value": 45011},), outcome=45011
    ),
    Scenario(
        "stable_token errcode -1 x1",
        ({"api": "stable_token", "kind": "errcode", "value": -1, "times": 1},),
        token_requests=2,
    ),
    Scenario(
        "stable_token HTTP 502 always",
        ({"api": "stable_token", "kind": "http", "value": 502},),
        outcome=-1,
        api_requests=0,
        token_requests=3,
    ),
    Scenario(
        "errcode -1 always, backoff past deadline",
        ({"api": UPDATE, "kind": "errcode", "value": -1},),
        outcome=-1,
        timeout=1.0,
        retry={"attempts": 5, "backoff": 10.0, "max_backoff": 10.0, "jitter": False},
    ),
]


@dataclass
class Observed:
    outcome: str | int
    api_requests: int
    token_requests: int
    effects: int  # API requests the handler answered with success (each one applied the change)
    faults_fired: int
    error: cloudfn.CloudSDKError | None = None


async def run_scenario(scenario: Scenario, emulator: RunningEmulator) -> Observed:
    emulator.state.reset()
    for rule in scenario.rules:
        emulator.state.faults.add(FaultRule.from_dict(rule))
    body: dict[str, Any] = {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123"}
    error: cloudfn.CloudSDKError | None = None
    async with cloudfn.init(
        base_url=emulator.base_url,
        appid=emulator.appid,
        secret=emulator.secret,
        timeout=scenario.timeout,
        retry=scenario.retry,
    ) as cloud:
        try:
            async with asyncio.timeout(scenario.timeout + HANG_GUARD_S):
                if scenario.api == UPDATE:
                    await cloud.openapi.logistics.updatePrinter(body)
                else:
                    await cloud.openapi.logistics.getPrinter()
            outcome: str | int = "ok"
        except cloudfn.CloudSDKError as exc:
            outcome, error = exc.errCode, exc
    # A latency fault lets the handler finish after the client gave up: wait for it (bounded).
    for _ in range(100):
        if not any(r.kind == "latency" for r in emulator.state.faults.rules):
            break
        if any(r.api == scenario.api and r.fault is None for r in emulator.state.requests):
            break
        await asyncio.sleep(0.05)
    log = [r for r in emulator.state.requests if r.api == scenario.api]
    return Observed(
        outcome=outcome,
        api_requests=len(log),
        token_requests=sum(1 for r in emulator.state.requests if r.path in TOKEN_PATHS),
        effects=sum(1 for r in log if r.errcode == 0 and r.fault is None and r.status == 200),
        faults_fired=sum(r.fired for r in emulator.state.faults.rules),
        error=error,
    )


async def print_table() -> None:
    print("| fault | outcome | API requests seen | token requests | effects applied | faults fired |")
    print("|---|---|---|---|---|---|")
    async with run_emulator() as emulator:
        for scenario in SCENARIOS:
            seen = await run_scenario(scenario, emulator)
            outcome = "success" if seen.outcome == "ok" else f"CloudSDKError {seen.outcome}"
            if seen.outcome == "ok" and seen.api_requests > 1:
                outcome = "success after retry" if seen.token_requests == 1 else "success after refresh"
            elif seen.outcome == "ok" and seen.token_requests > 1:
                outcome = "success after token-fetch retry"
            print(
                f"| {scenario.name} | {outcome} | {seen.api_requests} | {seen.token_requests} | "
                f"{seen.effects} | {seen.faults_fired} |"
            )


if __name__ == "__main__":
    asyncio.run(print_table())
