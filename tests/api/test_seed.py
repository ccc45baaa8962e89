"""The seed document, end to end: the cloud call and the HTTPS call it becomes."""

from __future__ import annotations

import json

import pytest

import cloudfn
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from tests.support.emulator import api_requests

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"
SEED_PARAMS = {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,456"}


async def test_seed_call_returns_the_node_sdk_result(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    result = await seed_cloud.openapi.logistics.updatePrinter(SEED_PARAMS)

    assert result == {"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}
    assert list(result) == ["errMsg", "errCode"]  # key order as the Node SDK builds it


async def test_seed_call_sends_the_documented_https_request(
    seed_cloud: Cloud, emulator: RunningEmulator
) -> None:
    await seed_cloud.openapi.logistics.updatePrinter(SEED_PARAMS)

    [request] = api_requests(emulator)
    assert request.method == "POST"
    assert request.path == "/cgi-bin/express/business/printer/update"
    assert request.query == {"access_token": "***"}  # present, and masked in the log
    # The seed's HTTPS request body, field for field and in order.
    assert list(request.body.items()) == [
        ("openid", SEED_OPENID),
        ("update_type", "bind"),
        ("tagid_list", "123,456"),
    ]
    assert request.response == {"errcode": 0, "errmsg": "ok"}


async def test_bind_then_get_printer_shows_the_printer(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    await seed_cloud.openapi.logistics.updatePrinter(SEED_PARAMS)

    printers = await seed_cloud.openapi.logistics.getPrinter({})

    assert printers == {
        "count": 1,
        "openid": [SEED_OPENID],
        "tagidList": ["123", "456"],
        "errMsg": "openapi.logistics.getPrinter:ok",
        "errCode": 0,
    }
    assert list(printers) == ["count", "openid", "tagidList", "errMsg", "errCode"]


async def test_unbind_removes_the_printer(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    await seed_cloud.openapi.logistics.updatePrinter(SEED_PARAMS)
    await seed_cloud.openapi.logistics.updatePrinter(openid=SEED_OPENID, updateType="unbind")

    printers = await seed_cloud.openapi.logistics.getPrinter()

    assert printers["count"] == 0 and printers["openid"] == []
    assert emulator.state.snapshot()["apps"][emulator.appid]["printers"] == {}


async def test_unbinding_an_unbound_openid_succeeds_without_change(
    seed_cloud: Cloud, emulator: RunningEmulator
) -> None:
    result = await seed_cloud.openapi.logistics.updatePrinter(openid=SEED_OPENID, updateType="unbind")

    assert result["errCode"] == 0
    assert emulator.state.snapshot()["apps"][emulator.appid]["printers"] == {}


async def test_keyword_and_pythonic_forms_send_the_same_body(
    seed_cloud: Cloud, emulator: RunningEmulator
) -> None:
    await seed_cloud.openapi.logistics.updatePrinter(
        openid=SEED_OPENID, updateType="bind", tagidList="123,456"
    )
    await seed_cloud.openapi.logistics.update_printer(
        openid=SEED_OPENID, update_type="bind", tagid_list="123,456"
    )
    await seed_cloud.call("logistics.updatePrinter", SEED_PARAMS)

    bodies = [r.body for r in api_requests(emulator)]
    assert bodies == [{"openid": SEED_OPENID, "update_type": "bind", "tagid_list": "123,456"}] * 3


async def test_non_ascii_is_sent_as_utf8_not_escaped(emulator: RunningEmulator) -> None:
    # update_type must be bind/unbind, so send a bad one with validation off and
    # read the raw bytes the emulator logged: non-ASCII must arrive unescaped.
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, validate=False
    ) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as info:
            await cloud.openapi.logistics.updatePrinter(openid=SEED_OPENID, updateType="绑定")
    assert info.value.errCode == 9300517
    [request] = api_requests(emulator)
    assert request.body["update_type"] == "绑定"


async def test_env_variables_configure_init(emulator: RunningEmulator, monkeypatch, tmp_path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"permissions": {"openapi": ["logistics.updatePrinter"]}}))
    monkeypatch.setenv("CLOUDFN_BASE_URL", emulator.base_url)
    monkeypatch.setenv("CLOUDFN_APPID", emulator.appid)
    monkeypatch.setenv("CLOUDFN_SECRET", emulator.secret)
    monkeypatch.setenv("CLOUDFN_CONFIG", str(config))

    async with cloudfn.init() as cloud:
        assert await cloud.openapi.logistics.updatePrinter(SEED_PARAMS) == {
            "errMsg": "openapi.logistics.updatePrinter:ok",
            "errCode": 0,
        }
        with pytest.raises(cloudfn.CloudSDKError) as info:
            await cloud.openapi.logistics.getPrinter()
        assert info.value.errCode == -604101  # getPrinter is not in this config


async def test_default_base_url_is_the_real_wechat_host() -> None:
    cloud = cloudfn.init(appid="wx1", secret="s")
    assert cloud.settings.base_url == "https://api.weixin.qq.com"
    await cloud.close()


async def test_appid_option_calls_on_behalf_of_another_account() -> None:
    from cloudfn.emulator.server import run_emulator
    from cloudfn.emulator.state import AppSeed

    apps = [
        AppSeed("wxaaaaaaaaaaaaaaaa", "secret-a", (SEED_OPENID,)),
        AppSeed("wxbbbbbbbbbbbbbbbb", "secret-b", (SEED_OPENID,)),
    ]
    async with run_emulator(apps) as emulator:
        async with cloudfn.init(
            base_url=emulator.base_url,
            appid="wxaaaaaaaaaaaaaaaa",
            secret="secret-a",
            credentials={"wxbbbbbbbbbbbbbbbb": "secret-b"},
        ) as cloud:
            shared = cloud.openapi(appid="wxbbbbbbbbbbbbbbbb")
            await shared.logistics.updatePrinter(SEED_PARAMS)
            with pytest.raises(cloudfn.CloudSDKError) as info:
                await cloud.openapi({"appid": "wxcccccccccccccccc"}).logistics.getPrinter()
        printers = {a: s["printers"] for a, s in emulator.state.snapshot()["apps"].items()}
    assert printers == {
        "wxaaaaaaaaaaaaaaaa": {},
        "wxbbbbbbbbbbbbbbbb": {SEED_OPENID: {"tagids": ["123", "456"]}},
    }
    assert info.value.errCode == -601004 and "credentials=" in str(info.value)


async def test_module_level_openapi_follows_init_as_in_node(emulator: RunningEmulator) -> None:
    import cloudfn.cloud

    cloudfn.cloud._current = None  # a fresh process: nothing initialised yet
    with pytest.raises(cloudfn.CloudSDKError) as info:
        cloudfn.openapi.logistics.updatePrinter(SEED_PARAMS)  # raises at once, before any await
    assert info.value.errMsg.startswith("Cloud API isn't enabled, please call init first")

    cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret)
    try:
        assert (await cloudfn.openapi.logistics.updatePrinter(SEED_PARAMS))["errCode"] == 0
    finally:
        await cloudfn.cloud._current.close()  # type: ignore[union-attr]
