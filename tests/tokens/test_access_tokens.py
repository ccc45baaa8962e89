"""Access tokens: single-flight fetching, refresh-and-retry once, and the emulator's token rules."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import OVERLAP_S, TOKEN_TTL_S

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"


def token_requests(emulator: RunningEmulator) -> list[dict]:
    return [r for r in emulator.state.requests if r.path in ("/cgi-bin/stable_token", "/cgi-bin/token")]


async def test_concurrent_calls_on_a_cold_cache_fetch_one_token(
    seed_cloud: Cloud, emulator: RunningEmulator
) -> None:
    results = await asyncio.gather(*(seed_cloud.openapi.logistics.getPrinter() for _ in range(200)))

    assert all(r["errCode"] == 0 for r in results)
    assert len(token_requests(emulator)) == 1
    assert len([r for r in emulator.state.requests if r.api]) == 200


async def test_invalidated_token_is_refreshed_once_and_the_call_retried(
    seed_cloud: Cloud, emulator: RunningEmulator
) -> None:
    await seed_cloud.openapi.logistics.getPrinter()
    assert emulator.state.invalidate_tokens() == 1

    results = await asyncio.gather(*(seed_cloud.openapi.logistics.getPrinter() for _ in range(20)))

    assert all(r["errCode"] == 0 for r in results)
    assert len(token_requests(emulator)) == 2  # one more, for all 20 calls
    rejected = [r for r in emulator.state.requests if r.errcode == 40001]
    assert 1 <= len(rejected) <= 20  # each rejected call was retried exactly once
    assert len([r for r in emulator.state.requests if r.api and r.errcode == 0]) == 21


async def test_expired_token_is_refreshed(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    await seed_cloud.openapi.logistics.getPrinter()
    emulator.state.expire_tokens()

    assert (await seed_cloud.openapi.logistics.getPrinter())["errCode"] == 0
    assert [r.errcode for r in emulator.state.requests if r.api] == [0, 42001, 0]
    assert len(token_requests(emulator)) == 2


async def test_control_clock_moves_tokens_past_expiry(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    await seed_cloud.openapi.logistics.getPrinter()
    async with aiohttp.ClientSession() as http:
        await http.post(f"{emulator.base_url}/__emulator__/clock", json={"advance": TOKEN_TTL_S + 1})

    assert (await seed_cloud.openapi.logistics.getPrinter())["errCode"] == 0
    assert [r.errcode for r in emulator.state.requests if r.api] == [0, 42001, 0]


async def test_cached_token_is_refetched_shortly_before_it_expires(emulator: RunningEmulator) -> None:
    now = [1_000_000.0]
    cloud = cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, token_endpoint="classic"
    )
    provider = cloud.transport.provider()  # type: ignore[attr-defined]
    provider._clock = lambda: now[0]
    async with cloud:
        await cloud.openapi.logistics.getPrinter()
        now[0] += TOKEN_TTL_S - 120  # still two minutes left: cached
        await cloud.openapi.logistics.getPrinter()
        assert len(token_requests(emulator)) == 1
        now[0] += 90  # 30 s left, inside the refresh margin: fetch before it can fail in flight
        await cloud.openapi.logistics.getPrinter()
        assert len(token_requests(emulator)) == 2
    assert [r.errcode for r in emulator.state.requests if r.api] == [0, 0, 0]


async def test_a_rejected_token_is_retried_only_once(emulator: RunningEmulator) -> None:
    # The emulator rejects every token when its lifetime is zero: one retry, then the error.
    emulator.state.token_ttl = 0
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret
    ) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as info:
            await cloud.openapi.logistics.getPrinter()
    assert info.value.errCode == 42001
    assert [r.errcode for r in emulator.state.requests if r.api] == [42001, 42001]


async def test_classic_token_endpoint_is_selectable(emulator: RunningEmulator) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, token_endpoint="classic"
    ) as cloud:
        assert (await cloud.openapi.logistics.getPrinter())["errCode"] == 0
    [request] = token_requests(emulator)
    assert request.method == "GET" and request.path == "/cgi-bin/token"
    assert request.query["secret"] == "***"


async def test_wrong_secret_gives_the_token_error_without_the_secret(emulator: RunningEmulator) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret="wrong-secret-123"
    ) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as info:
            await cloud.openapi.logistics.getPrinter()
    err = info.value
    assert err.errCode == 40125
    assert err.errMsg.startswith("openapi.logistics.getPrinter:fail invalid appsecret rid: ")
    assert "CLOUDFN_SECRET" in str(err)
    for text in (str(err), repr(err), err.errMsg, str(err.detail)):
        assert "wrong-secret-123" not in text


# -- the emulator's token endpoints, spoken to directly ------------------------


async def stable(http: aiohttp.ClientSession, emulator: RunningEmulator, **extra: object) -> dict:
    body = {"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret, **extra}
    async with http.post(f"{emulator.base_url}/cgi-bin/stable_token", json=body) as response:
        return await response.json()


async def classic(http: aiohttp.ClientSession, emulator: RunningEmulator) -> dict:
    params = {"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret}
    async with http.get(f"{emulator.base_url}/cgi-bin/token", params=params) as response:
        return await response.json()


async def printers_with(http: aiohttp.ClientSession, emulator: RunningEmulator, token: str) -> int:
    url = f"{emulator.base_url}/cgi-bin/express/business/printer/getall"
    async with http.get(url, params={"access_token": token}) as response:
        return int((await response.json())["errcode"])


async def test_stable_token_is_the_same_while_valid_and_renewed_near_expiry(
    emulator: RunningEmulator,
) -> None:
    async with aiohttp.ClientSession() as http:
        first = await stable(http, emulator)
        again = await stable(http, emulator)
        assert again["access_token"] == first["access_token"]
        assert first["expires_in"] == TOKEN_TTL_S - 1 or first["expires_in"] == TOKEN_TTL_S

        emulator.state.clock.advance(TOKEN_TTL_S - OVERLAP_S + 10)  # inside the last 5 minutes
        renewed = await stable(http, emulator)
        assert renewed["access_token"] != first["access_token"]
        assert renewed["expires_in"] >= OVERLAP_S
        # Old and new both work until the old one's own expiry.
        assert await printers_with(http, emulator, first["access_token"]) == 0
        assert await printers_with(http, emulator, renewed["access_token"]) == 0
        emulator.state.clock.advance(OVERLAP_S)
        assert await printers_with(http, emulator, first["access_token"]) == 42001
        assert await printers_with(http, emulator, renewed["access_token"]) == 0


async def test_force_refresh_invalidates_at_once_and_is_rate_limited(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        first = await stable(http, emulator)
        forced = await stable(http, emulator, force_refresh=True)
        assert forced["access_token"] != first["access_token"]
        assert await printers_with(http, emulator, first["access_token"]) == 42001
        too_soon = await stable(http, emulator, force_refresh=True)
        assert too_soon["errcode"] == 45011
        for _ in range(19):
            emulator.state.clock.advance(31)
            assert "access_token" in await stable(http, emulator, force_refresh=True)
        emulator.state.clock.advance(31)
        assert (await stable(http, emulator, force_refresh=True))["errcode"] == 45009


async def test_classic_token_replaces_the_previous_one_after_five_minutes(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        first = await classic(http, emulator)
        second = await classic(http, emulator)
        assert first["access_token"] != second["access_token"]
        assert await printers_with(http, emulator, first["access_token"]) == 0
        emulator.state.clock.advance(OVERLAP_S + 1)
        assert await printers_with(http, emulator, first["access_token"]) == 42001
        assert await printers_with(http, emulator, second["access_token"]) == 0


@pytest.mark.parametrize(
    ("query", "errcode"),
    [
        ({}, 41001),
        ({"access_token": "not a token!"}, 40014),
        ({"access_token": "A" * 64}, 40001),
    ],
    ids=["missing", "malformed", "unknown"],
)
async def test_api_token_errors(emulator: RunningEmulator, query: dict, errcode: int) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{emulator.base_url}/cgi-bin/express/business/printer/getall"
        async with http.get(url, params=query) as response:
            answer = await response.json()
    assert answer["errcode"] == errcode
    assert " rid: " in answer["errmsg"]


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"grant_type": "password"}, 40002),
        ({"grant_type": "client_credential", "secret": "x"}, 41002),
        ({"grant_type": "client_credential", "appid": "wx0123456789abcdef"}, 41004),
        ({"grant_type": "client_credential", "appid": "wxunknown", "secret": "x"}, 40013),
    ],
    ids=["grant-type", "no-appid", "no-secret", "unknown-appid"],
)
async def test_stable_token_request_errors(emulator: RunningEmulator, body: dict, errcode: int) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emulator.base_url}/cgi-bin/stable_token", json=body) as response:
            assert (await response.json())["errcode"] == errcode
        async with http.get(f"{emulator.base_url}/cgi-bin/stable_token") as response:
            assert (await response.json())["errcode"] == 43002
