"""The tcb transport: cloudfn calling through the platform's /admin channel (the emulator's)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import cloudfn
from cloudfn.emulator.logistics.responses import book
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import AppSeed
from cloudfn.transport.base import ApiRequest
from cloudfn.transport.tcb import TcbTransport, admin_url_from_environ, encode_request
from tests.support.node import NODE_CALLER, SEED_OPENID, SEED_VECTOR, node_function, run_node_sdk

SEED_CALL = {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,456"}


def tcb_env(emulator: RunningEmulator, secret_id: str = "AKIDunregistered") -> dict[str, str]:
    return {
        "TCB_CONTEXT_CNFG": json.dumps({"URL": f"{emulator.base_url}/admin"}),
        "TENCENTCLOUD_SECRETID": secret_id,
        "TENCENTCLOUD_SECRETKEY": "key",
        "TCB_ENV": "e1",
    }


async def register(emulator: RunningEmulator, permissions: list[str]) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emulator.base_url}/__emulator__/functions", json={"name": "py", "permissions": permissions}
        ) as r,
    ):
        return str((await r.json())["secret_id"])


def test_encodes_the_reference_vector_byte_for_byte() -> None:
    body = {"openid": SEED_OPENID, "update_type": "bind", "tagid_list": "123,456"}
    request = ApiRequest("logistics.updatePrinter", "POST", "/x", body)
    assert encode_request(request) == SEED_VECTOR


def test_appid_is_carried_in_comm_api_data() -> None:
    from cloudfn.proto import CommApiData

    data = CommApiData.FromString(
        encode_request(ApiRequest("a.b", "POST", "/x", {}, appid="wx00000000000000b2"))
    )
    assert data.appid == "wx00000000000000b2"


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    apps = [
        AppSeed("wx00000000000000a1", "s1", (SEED_OPENID,)),
        AppSeed("wx00000000000000b2", "s2", (SEED_OPENID,)),
    ]
    async with run_emulator(apps) as running:
        yield running


async def test_seed_call_through_tcb(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in tcb_env(emulator).items():
        monkeypatch.setenv(key, value)
    async with cloudfn.init(transport="tcb") as cloud:
        result = await cloud.openapi.logistics.updatePrinter(SEED_CALL)
        got = await cloud.openapi.logistics.getPrinter({})
    assert (
        json.dumps(result, separators=(",", ":"))
        == '{"errMsg":"openapi.logistics.updatePrinter:ok","errCode":0}'
    )
    assert got["tagidList"] == ["123", "456"]
    assert [r.path for r in emulator.state.requests] == ["/admin", "/admin"]
    assert emulator.state.requests[0].query["env"] == "e1"
    assert emulator.state.token_requests == 0  # the channel needs no access_token


async def test_environment_variable_selects_tcb(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in tcb_env(emulator).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CLOUDFN_TRANSPORT", "tcb")
    async with cloudfn.init() as cloud:
        assert isinstance(cloud.transport, TcbTransport)
        await cloud.openapi.logistics.updatePrinter(SEED_CALL)
    assert emulator.state.requests[0].path == "/admin"


async def test_wechat_error_and_platform_refusal(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_id = await register(emulator, ["logistics.updatePrinter"])
    for key, value in tcb_env(emulator, secret_id).items():
        monkeypatch.setenv(key, value)
    # validate=False and no config: only the emulator can refuse, so its answers are what we see.
    async with cloudfn.init(transport="tcb", validate=False) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as bad:
            await cloud.openapi.logistics.updatePrinter({**SEED_CALL, "updateType": "rebind"})
        with pytest.raises(cloudfn.CloudSDKError) as refused:
            await cloud.openapi.logistics.getPrinter({})
    assert bad.value.errCode == 9300517
    assert bad.value.errMsg.startswith("openapi.logistics.updatePrinter:fail update_type 不正确 rid: ")
    assert refused.value.to_json() == {"errCode": -604101, "errMsg": "system error: error code: -604101"}


async def test_openapi_appid_is_honoured(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in tcb_env(emulator).items():
        monkeypatch.setenv(key, value)
    async with cloudfn.init(transport="tcb") as cloud:
        result = await cloud.openapi({"appid": "wx00000000000000b2"}).logistics.updatePrinter(SEED_CALL)
    assert result["errCode"] == 0
    assert SEED_OPENID in book(emulator.state.apps["wx00000000000000b2"]).printers
    assert book(emulator.state.apps["wx00000000000000a1"]).printers == {}


@pytest.fixture
async def platform_error_server() -> AsyncIterator[str]:
    """A local /admin that answers every call with the platform's JSON error."""

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"code": "INVALID_PARAM", "message": "bad env", "requestId": "r1"})

    app = web.Application()
    app.router.add_post("/admin", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/admin"
    finally:
        await runner.cleanup()


async def test_platform_json_error_as_the_node_sdk_reports_it(
    platform_error_server: str, tmp_path: Path
) -> None:
    node_dir = node_function(tmp_path / "caller", NODE_CALLER)
    node = await run_node_sdk(node_dir, platform_error_server, {"method": "updatePrinter", "data": SEED_CALL})
    transport = TcbTransport(url=platform_error_server, env="e1")
    async with cloudfn.init(transport=transport, appid="x", secret="y") as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as error:
            await cloud.openapi.logistics.updatePrinter(SEED_CALL)
    assert node["errCode"] == -501007  # INVALID_PARAM in the SDK's TCB_ERR_CODE
    assert error.value.to_json() == node


async def test_unreachable_server_is_a_network_error() -> None:
    transport = TcbTransport(url="http://127.0.0.1:9/admin", secret_id="AKIDx")
    async with cloudfn.init(transport=transport) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as error:
            await cloud.openapi.logistics.updatePrinter(SEED_CALL)
    assert error.value.errCode == -601003
    assert "TCB_CONTEXT_CNFG" in str(error.value)


def test_missing_url_names_the_variable() -> None:
    with pytest.raises(ValueError, match="TCB_CONTEXT_CNFG"):
        admin_url_from_environ({})
    assert admin_url_from_environ({}, "http://h:1/") == "http://h:1/admin"
    assert (
        admin_url_from_environ({"TCB_CONTEXT_CNFG": '{"URL": "http://a/admin"}'}, "http://h")
        == "http://a/admin"
    )


def test_unknown_transport_name_is_refused() -> None:
    with pytest.raises(
        ValueError, match="must be one of https, cloudrun, cloudrun-token, tcb, got 'carrier-pigeon'"
    ):
        cloudfn.init(transport="carrier-pigeon")


def test_secret_key_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    transport = TcbTransport.from_environ(
        {"TCB_CONTEXT_CNFG": '{"URL": "http://a/admin"}', "TENCENTCLOUD_SECRETKEY": "very-secret-key"}
    )
    assert "very-secret-key" not in repr(transport)
    assert "very-secret-key" not in repr(vars(transport))


async def test_the_transport_raises_transport_errors_only(emulator: RunningEmulator) -> None:
    # A transport moves bytes: a platform refusal and an unreachable server are
    # TransportErrors; only the call pipeline makes CloudSDKErrors of them.
    from cloudfn.transport.errors import ConnectError, PlatformRefusal

    secret_id = await register(emulator, ["logistics.getPrinter"])
    request = ApiRequest("logistics.updatePrinter", "POST", "/x", {"openid": SEED_OPENID})
    transport = TcbTransport(url=f"{emulator.base_url}/admin", secret_id=secret_id, env="e1")
    try:
        with pytest.raises(PlatformRefusal) as refused:
            await transport.send(request)
    finally:
        await transport.close()
    assert refused.value.code == -604101 and not isinstance(refused.value, cloudfn.CloudSDKError)
    unreachable = TcbTransport(url="http://127.0.0.1:9/admin", secret_id="AKIDx")
    try:
        with pytest.raises(ConnectError) as error:
            await unreachable.send(request)
    finally:
        await unreachable.close()
    assert error.value.code == -601003
