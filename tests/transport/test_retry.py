"""Retries: what is retried, how often, how long, and that the refresh-once rule still holds."""

from __future__ import annotations

import logging
import random
import socket

import pytest

import cloudfn
from cloudfn.emulator.faults.rules import FaultRule
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import SEED_OPENID
from cloudfn.errors import ConfigError
from cloudfn.transport.retry import RetryPolicy
from tests.support.emulator import requests_to
from tests.support.faults import FAST_RETRY

UPDATE_PATH = "/cgi-bin/express/business/printer/update"


def bind() -> dict[str, str]:
    return {"openid": SEED_OPENID, "updateType": "bind"}


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=8, backoff=0.1, max_backoff=1.0, jitter=False)
    assert [policy.delay(n) for n in range(1, 7)] == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0])


def test_jitter_stays_under_the_ceiling_and_follows_its_seed() -> None:
    one = RetryPolicy(backoff=0.1, max_backoff=1.0, rng=random.Random(5))
    two = RetryPolicy(backoff=0.1, max_backoff=1.0, rng=random.Random(5))
    delays = [one.delay(n) for n in range(1, 30)]
    assert delays == [two.delay(n) for n in range(1, 30)]
    assert all(0 <= d <= min(1.0, 0.1 * 2 ** (n - 1)) for n, d in zip(range(1, 30), delays, strict=True))
    assert len(set(delays)) > 1


def test_policy_refuses_nonsense_naming_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"retry\.attempts.*Fix"):
        RetryPolicy(attempts=0)
    with pytest.raises(ConfigError, match=r"retry\.backoff"):
        RetryPolicy(backoff=-1)
    with pytest.raises(ConfigError, match="CLOUDFN_RETRY_ATTEMPTS"):
        RetryPolicy.from_env({"CLOUDFN_RETRY_ATTEMPTS": "many"})
    assert RetryPolicy.from_env(
        {"CLOUDFN_RETRY_ATTEMPTS": "5", "CLOUDFN_RETRY_BACKOFF": "0.5"}
    ) == RetryPolicy(attempts=5, backoff=0.5)


async def test_env_can_turn_retries_off(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFN_RETRY_ATTEMPTS", "1")
    emulator.state.faults.add(FaultRule(api="logistics.updatePrinter", kind="errcode", value=-1, times=1))
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret
    ) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.updatePrinter(bind())
    assert caught.value.errCode == -1
    assert len(requests_to(emulator, UPDATE_PATH)) == 1


async def test_client_errors_are_never_retried(emulator: RunningEmulator) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, retry=FAST_RETRY
    ) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.updatePrinter(
                {"openid": "oUnknownUser000000000000000", "updateType": "bind"}
            )
    assert caught.value.errCode == 40003
    assert len(requests_to(emulator, UPDATE_PATH)) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket closes


async def test_refused_connections_are_retried_then_reported(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="cloudfn.transport.retry")
    async with cloudfn.init(
        base_url=f"http://127.0.0.1:{_closed_port()}",
        appid="wx0123456789abcdef",
        secret="s",
        retry=FAST_RETRY,
    ) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.getPrinter()
    assert caught.value.errCode == -601003
    retried = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retried) == FAST_RETRY["attempts"] - 1
    assert "base_url" in str(caught.value) and "Fix" in str(caught.value)


async def test_a_rejected_token_is_refreshed_once_per_call(emulator: RunningEmulator) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, retry=FAST_RETRY
    ) as cloud:
        await cloud.openapi.logistics.getPrinter()
        emulator.state.invalidate_tokens()
        assert (await cloud.openapi.logistics.updatePrinter(bind()))["errCode"] == 0
        assert emulator.state.token_requests == 2

        # Rejected again after the refresh: no second refresh, the call fails with the server's code.
        emulator.state.faults.add(FaultRule(api="logistics.updatePrinter", kind="invalidate_token", times=2))
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.updatePrinter(bind())
    assert caught.value.errCode == 40001
    assert emulator.state.token_requests == 3


async def test_retry_and_refresh_combine(emulator: RunningEmulator) -> None:
    """System busy, then a rejected token, then success: one call, one refresh."""
    emulator.state.faults.add(FaultRule(api="logistics.updatePrinter", kind="errcode", value=-1, times=1))
    emulator.state.faults.add(FaultRule(api="logistics.updatePrinter", kind="expire_token", after=1, times=1))
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, retry=FAST_RETRY
    ) as cloud:
        assert (await cloud.openapi.logistics.updatePrinter(bind()))["errCode"] == 0
    assert [r.errcode for r in requests_to(emulator, UPDATE_PATH)] == [-1, 42001, 0]
    assert emulator.state.token_requests == 2
