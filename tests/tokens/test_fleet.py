"""The fleet proof: 4 processes x 250 concurrent calls share one token through a store.

Cold cache -> the emulator sees exactly one token request; the token
invalidated mid-run (by a fault on the 101st call) -> exactly one more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudfn.emulator.faults.rules import FaultRule
from cloudfn.emulator.server import RunningEmulator, run_emulator
from tests.support.tokens import fleet, redis_prefix

PROCESSES = 4
CALLS = 250


async def assert_one_token_for_the_fleet(
    emulator: RunningEmulator, store: str, ending: str = "invalidate_token"
) -> None:
    async with fleet(
        PROCESSES, base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, store=store
    ) as workers:
        assert emulator.state.token_requests == 0

        cold = await workers.run_phase(CALLS)
        assert [w["ok"] for w in cold] == [CALLS] * PROCESSES, cold
        assert emulator.state.token_requests == 1

        # The 101st getPrinter of the next phase arrives after the emulator forgot the token.
        invalidation = FaultRule(api="logistics.getPrinter", kind=ending, after=100, times=1)
        emulator.state.faults.add(invalidation)
        warm = await workers.run_phase(CALLS)
        assert [w["ok"] for w in warm] == [CALLS] * PROCESSES, warm
        assert invalidation.fired == 1
        rejected_code = 40001 if ending == "invalidate_token" else 42001
        rejected = [r for r in emulator.state.requests if r.errcode == rejected_code]
        assert rejected, f"the {ending} fault should have made some calls see {rejected_code}"
        assert emulator.state.token_requests == 2


@pytest.mark.parametrize("ending", ["invalidate_token", "expire_token"])
async def test_redis_store_fleet_fetches_one_token_and_refreshes_once(ending: str) -> None:
    async with redis_prefix() as prefix, run_emulator() as emulator:
        await assert_one_token_for_the_fleet(emulator, f"redis://127.0.0.1:6379/0?prefix={prefix}", ending)


async def test_file_store_fleet_fetches_one_token_and_refreshes_once(tmp_path: Path) -> None:
    async with run_emulator() as emulator:
        await assert_one_token_for_the_fleet(emulator, f"file://{tmp_path / 'tokens'}")


@pytest.mark.parametrize("store", ["memory://"])
async def test_memory_store_is_per_process(store: str) -> None:
    """The contrast: without a shared store each process fetches its own token."""
    async with (
        run_emulator() as emulator,
        fleet(
            2, base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, store=store
        ) as workers,
    ):
        tallies = await workers.run_phase(50)
        assert [w["ok"] for w in tallies] == [50, 50]
        assert emulator.state.token_requests == 2
