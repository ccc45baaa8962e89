"""Every fault the emulator injects, through the real client: right outcome, no hang, no double effect."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys

import aiohttp
import pytest

from cloudfn.emulator.faults.cli import parse_fault
from cloudfn.emulator.faults.rules import FaultPlan, FaultRule, FaultSpecError
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import DEFAULT_SECRET
from tests.support.faults import GET, SCENARIOS, TOKEN_LIKE, Scenario, run_scenario
from tests.support.ports import free_port

BOUND_S = 30.0


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
async def test_fault_ends_with_the_right_outcome(
    scenario: Scenario, emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen = await run_scenario(scenario, emulator)

    assert seen.outcome == scenario.outcome, seen.error
    assert seen.api_requests == scenario.api_requests
    assert seen.token_requests == scenario.token_requests
    # Retries never apply a change twice: at most one request reached the handler and succeeded.
    expected_effects = 1 if scenario.outcome in ("ok", -604102) and scenario.api_requests else 0
    assert seen.effects == expected_effects
    assert seen.faults_fired >= 1
    if seen.error is not None:
        assert seen.error.errMsg.startswith(f"openapi.{scenario.api}:fail")
    logged = (
        "\n".join(r.getMessage() for r in caplog.records) + "\n" + (str(seen.error) if seen.error else "")
    )
    assert DEFAULT_SECRET not in logged
    assert not TOKEN_LIKE.search(logged), "an access token reached the logs"


async def test_probabilistic_faults_repeat_with_the_same_seed(emulator: RunningEmulator) -> None:
    async def run_once(seed: int) -> list[int]:
        emulator.state.reset()
        async with aiohttp.ClientSession() as session:
            rule = {"api": GET, "kind": "errcode", "value": -1, "probability": 0.5}
            async with session.post(
                f"{emulator.base_url}/__emulator__/faults", json={"rules": [rule], "seed": seed}
            ) as response:
                assert response.status == 200
            token_url = f"{emulator.base_url}/cgi-bin/stable_token"
            credentials = {
                "grant_type": "client_credential",
                "appid": emulator.appid,
                "secret": DEFAULT_SECRET,
            }
            async with session.post(token_url, json=credentials) as response:
                token = (await response.json())["access_token"]
            codes = []
            for _ in range(20):
                url = f"{emulator.base_url}/cgi-bin/express/business/printer/getall"
                async with session.get(url, params={"access_token": token}) as response:
                    codes.append((await response.json())["errcode"])
            return codes

    first, again, other = await run_once(7), await run_once(7), await run_once(8)
    assert first == again
    assert set(first) == {0, -1}
    assert first != other


async def test_faults_are_set_and_cleared_over_the_control_prefix(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as session:
        faults = f"{emulator.base_url}/__emulator__/faults"
        async with session.post(faults, json={"rules": [{"api": "*", "kind": "nonsense"}]}) as response:
            assert response.status == 400
            assert "kind" in await response.text()
        async with session.post(faults, json={"rules": [{"api": "*", "kind": "http", "value": 503}]}):
            pass
        async with session.get(faults) as response:
            assert [r["value"] for r in (await response.json())["rules"]] == [503]
        async with session.get(f"{emulator.base_url}/cgi-bin/express/business/printer/getall") as response:
            assert response.status == 503
        async with session.delete(faults):
            pass
        async with session.get(f"{emulator.base_url}/__emulator__/state") as response:
            assert (await response.json())["faults"]["rules"] == []


def test_parse_fault_reads_the_cli_form() -> None:
    rule = parse_fault("logistics.updatePrinter:errcode=-1,times=2,after=1")
    assert (rule.api, rule.kind, rule.value, rule.times, rule.after) == (
        "logistics.updatePrinter",
        "errcode",
        -1,
        2,
        1,
    )
    assert parse_fault("*:latency=0.25").value == 0.25
    assert parse_fault("*:http=502,probability=0.1").probability == 0.1
    for bad, field in [
        ("nocolon", "expected"),
        ("*:http=404", "5xx"),
        ("*:boom", "kind"),
        ("*:reset,x=1", "x=1"),
    ]:
        with pytest.raises(FaultSpecError, match=field):
            parse_fault(bad)


def test_scripted_rules_fire_after_and_times() -> None:
    plan = FaultPlan([FaultRule(api="a", kind="errcode", after=1, times=2)])
    fired = [bool(plan.pick("a", "/a")) for _ in range(5)]
    assert fired == [False, True, True, False, False]
    plan.reset()  # back to the rules given at start, counters cleared
    assert [bool(plan.pick("a", "/a")) for _ in range(2)] == [False, True]


async def test_cli_flags_set_faults_and_whitelist() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cloudfn",
        "emulator",
        "--port",
        str(port),
        "--fault",
        "logistics.getPrinter:errcode=45011,times=1",
        "--fault-seed",
        "3",
        "--cloudrun-whitelist",
        "logistics.updatePrinter",
        stdout=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        async with asyncio.timeout(BOUND_S):
            assert b"cloudfn emulator on" in await process.stdout.readline()
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/__emulator__/faults") as response:
                plan = await response.json()
            assert plan["seed"] == 3
            assert [(r["api"], r["value"], r["times"]) for r in plan["rules"]] == [
                ("logistics.getPrinter", 45011, 1)
            ]
            async with session.get(
                f"{base}/__cloudrun__/cgi-bin/express/business/printer/getall"
            ) as response:
                assert (await response.json())["errcode"] == 45011  # the fault fires first
            async with session.get(
                f"{base}/__cloudrun__/cgi-bin/express/business/printer/getall"
            ) as response:
                assert (await response.json())["errcode"] == 85107  # not whitelisted
    finally:
        process.terminate()
        async with asyncio.timeout(BOUND_S):
            await process.wait()


def test_cli_refuses_a_bad_fault_naming_the_syntax() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cloudfn", "emulator", "--fault", "updatePrinter"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "API:KIND" in done.stderr


def test_rules_round_trip_as_json() -> None:
    rule = FaultRule(api="stable_token", kind="http", value=502, probability=0.3)
    assert FaultRule.from_dict({k: v for k, v in json.loads(json.dumps(rule.to_dict())).items()}) == rule


def test_inject_is_add_in_one_line() -> None:
    plan = FaultPlan(seed=1)
    rule = plan.inject("logistics.getPrinter", "http", 502, times=1)
    assert plan.rules == [rule]
    assert plan.pick("logistics.getPrinter", "/x") == [rule]
    assert plan.pick("logistics.getPrinter", "/x") == []
    with pytest.raises(FaultSpecError, match="kind"):
        plan.inject("*", "meteor")
