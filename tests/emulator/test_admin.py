"""The emulator's /admin channel (the Node SDK's wire), driven by raw multipart + protobuf
and by the unmodified Node SDK itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cloudfn.emulator.logistics.responses import book
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import AppSeed
from cloudfn.proto import CommApiData, CommOpenApiResp
from tests.support.node import NODE_CALLER, SEED_OPENID, SEED_VECTOR, node_function, run_node_sdk

OTHER_APPID = "wx00000000000000b2"


def form(
    request_data: bytes, *, action: str = "wx.openApi", api: str = "logistics.updatePrinter"
) -> aiohttp.FormData:
    data = aiohttp.FormData()
    data.add_field("action", action)
    data.add_field("apiName", api)
    data.add_field(
        "requestData", request_data, filename="requestData", content_type="application/octet-stream"
    )
    data.add_field("envName", "")
    return data


def comm(body: dict[str, Any], *, appid: str = "") -> bytes:
    message = CommApiData(apiType=CommApiData.OPEN_API, appid=appid)
    for key, value in body.items():
        message.openapiData.pairs.add(key=key, value=json.dumps(value).encode())
    return message.SerializeToString()


async def post_admin(
    emulator: RunningEmulator, data: aiohttp.FormData, *, secret_id: str | None = None
) -> tuple[str, bytes]:
    headers = (
        {"Authorization": f"TC3-HMAC-SHA256 Credential={secret_id}/2026-01-01/tcb/tc3_request"}
        if secret_id
        else {}
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emulator.base_url}/admin?env=e1&seqId=s1", data=data, headers=headers) as response,
    ):
        assert response.status == 200
        return response.headers["Content-Type"], await response.read()


async def register(
    emulator: RunningEmulator, permissions: list[str], appid: str | None = None
) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{emulator.base_url}/__emulator__/functions",
            json={"name": "fn", "permissions": permissions, **({"appid": appid} if appid else {})},
        ) as response,
    ):
        assert response.status == 200
        grant: dict[str, Any] = await response.json()
        return grant


async def test_reference_vector_binds_the_printer() -> None:
    async with run_emulator() as emulator:
        content_type, body = await post_admin(emulator, form(SEED_VECTOR))
        answer = CommOpenApiResp.FromString(body)
        assert content_type == "application/octet-stream"
        assert answer.errorCode == 0
        assert answer.httpCode == 200
        assert answer.contentType == "application/json"
        assert json.loads(answer.respData) == {"errcode": 0, "errmsg": "ok"}
        app = emulator.state.apps[emulator.appid]
        assert book(app).printers[SEED_OPENID].tagids == ["123", "456"]
        [entry] = emulator.state.requests
        assert entry.path == "/admin"
        assert entry.api == "logistics.updatePrinter"
        assert entry.body == {"openid": SEED_OPENID, "update_type": "bind", "tagid_list": "123,456"}


@pytest.mark.parametrize(
    ("body", "errcode", "errmsg"),
    [
        ({"openid": SEED_OPENID, "update_type": "rebind"}, 9300517, "update_type 不正确"),
        ({"openid": SEED_OPENID, "update_type": "bind", "tagid_list": "1, 2"}, 40097, "invalid args"),
        ({"openid": "oNobody", "update_type": "bind"}, 40003, "invalid openid"),
    ],
)
async def test_same_answer_as_the_https_path(body: dict[str, Any], errcode: int, errmsg: str) -> None:
    async with run_emulator() as emulator, aiohttp.ClientSession() as session:
        _, raw = await post_admin(emulator, form(comm(body)))
        via_admin = json.loads(CommOpenApiResp.FromString(raw).respData)
        async with session.post(
            f"{emulator.base_url}/cgi-bin/stable_token",
            json={"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret},
        ) as response:
            token = (await response.json())["access_token"]
        async with session.post(
            f"{emulator.base_url}/cgi-bin/express/business/printer/update?access_token={token}", json=body
        ) as response:
            via_https = await response.json()
    for reply in (via_admin, via_https):
        assert reply["errcode"] == errcode
        assert reply["errmsg"].startswith(f"{errmsg} rid: ")


async def test_state_is_shared_between_channels() -> None:
    async with run_emulator() as emulator:
        await post_admin(emulator, form(SEED_VECTOR))
        _, raw = await post_admin(emulator, form(comm({}), api="logistics.getPrinter"))
        answer = json.loads(CommOpenApiResp.FromString(raw).respData)
        assert answer == {
            "errcode": 0,
            "errmsg": "ok",
            "count": 1,
            "openid": [SEED_OPENID],
            "tagid_list": ["123", "456"],
        }


async def test_api_outside_permissions_is_refused_with_604101_only() -> None:
    async with run_emulator() as emulator:
        grant = await register(emulator, ["logistics.updatePrinter"])
        _, raw = await post_admin(
            emulator, form(comm({}), api="logistics.getPrinter"), secret_id=grant["secret_id"]
        )
        assert raw == CommOpenApiResp(errorCode=-604101).SerializeToString()
        _, raw = await post_admin(emulator, form(SEED_VECTOR), secret_id=grant["secret_id"])
        assert CommOpenApiResp.FromString(raw).errorCode == 0
        assert [e.errcode for e in emulator.state.requests] == [-604101, 0]
        assert emulator.state.requests[0].function == "fn"


async def test_registrations_survive_reset() -> None:
    async with run_emulator() as emulator:
        grant = await register(emulator, [])
        emulator.state.reset()
        _, raw = await post_admin(emulator, form(SEED_VECTOR), secret_id=grant["secret_id"])
        assert CommOpenApiResp.FromString(raw).errorCode == -604101


async def test_appid_in_comm_api_data_acts_for_that_app() -> None:
    apps = [AppSeed("wx00000000000000a1", "s1", (SEED_OPENID,)), AppSeed(OTHER_APPID, "s2", (SEED_OPENID,))]
    async with run_emulator(apps) as emulator:
        _, raw = await post_admin(
            emulator, form(comm({"openid": SEED_OPENID, "update_type": "bind"}, appid=OTHER_APPID))
        )
        assert json.loads(CommOpenApiResp.FromString(raw).respData)["errcode"] == 0
        assert SEED_OPENID in book(emulator.state.apps[OTHER_APPID]).printers
        assert book(emulator.state.apps["wx00000000000000a1"]).printers == {}
        _, raw = await post_admin(
            emulator, form(comm({"openid": SEED_OPENID, "update_type": "bind"}, appid="wxunknown"))
        )
        assert json.loads(CommOpenApiResp.FromString(raw).respData)["errcode"] == 40013


async def test_unknown_api_is_refused_with_604100() -> None:
    async with run_emulator() as emulator:
        _, raw = await post_admin(emulator, form(comm({}), api="logistics.noSuchApi"))
        assert CommOpenApiResp.FromString(raw).errorCode == -604100


@pytest.mark.parametrize("action", ["wx.api", "database.queryDocument", ""])
async def test_other_actions_get_the_platform_json_error(action: str) -> None:
    async with run_emulator() as emulator:
        content_type, raw = await post_admin(emulator, form(SEED_VECTOR, action=action))
        # The Node SDK parses an /admin answer as JSON only with exactly this content type.
        assert content_type == "application/json; charset=utf-8"
        document = json.loads(raw)
        assert document["code"] == "INVALID_PARAM"
        assert "wx.openApi" in document["message"]
        assert book(emulator.state.apps[emulator.appid]).printers == {}


async def test_garbage_request_data_is_a_platform_error() -> None:
    async with run_emulator() as emulator:
        _, raw = await post_admin(emulator, form(b"\xff\xff\xff"))
        assert json.loads(raw)["code"] == "INVALID_PARAM"


async def test_registration_checks_its_input() -> None:
    async with run_emulator() as emulator, aiohttp.ClientSession() as session:
        for bad in (
            {"name": "fn", "permissions": "logistics.updatePrinter"},
            {"permissions": []},
            {"name": "fn", "permissions": [], "appid": "wxnope"},
        ):
            async with session.post(f"{emulator.base_url}/__emulator__/functions", json=bad) as response:
                assert response.status == 400
                text = await response.text()
                assert any(word in text for word in ("permissions:", "name:", "appid:"))


# -- the unmodified Node SDK against the channel -------------------------------------------


async def test_node_sdk_end_to_end(tmp_path: Path) -> None:
    directory = node_function(tmp_path / "caller", NODE_CALLER)
    apps = [AppSeed("wx00000000000000a1", "s1", (SEED_OPENID,)), AppSeed(OTHER_APPID, "s2", (SEED_OPENID,))]
    async with run_emulator(apps) as emulator:
        grant = await register(emulator, ["logistics.updatePrinter", "logistics.getPrinter"])
        sid = grant["secret_id"]
        admin = f"{emulator.base_url}/admin"
        seed = {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,456"}
        ok = await run_node_sdk(directory, admin, {"method": "updatePrinter", "data": seed}, sid)
        assert ok == {"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}
        bad = await run_node_sdk(
            directory, admin, {"method": "updatePrinter", "data": {**seed, "updateType": "x"}}, sid
        )
        assert bad["errCode"] == 9300517
        assert bad["errMsg"].startswith("openapi.logistics.updatePrinter:fail update_type 不正确 rid: ")
        got = await run_node_sdk(directory, admin, {"method": "getPrinter", "data": {}}, sid)
        assert got == {
            "count": 1,
            "openid": [SEED_OPENID],
            "tagidList": ["123", "456"],
            "errMsg": "openapi.logistics.getPrinter:ok",
            "errCode": 0,
        }
        refused = await run_node_sdk(directory, admin, {"method": "getAllAccount", "data": {}}, sid)
        assert refused == {"errCode": -604101, "errMsg": "system error: error code: -604101"}
        other = await run_node_sdk(
            directory, admin, {"method": "updatePrinter", "data": seed, "appid": OTHER_APPID}, sid
        )
        assert other["errCode"] == 0
        assert SEED_OPENID in book(emulator.state.apps[OTHER_APPID]).printers


async def test_oversized_form_is_refused_without_reading_it_all() -> None:
    async with run_emulator() as emulator:
        _, raw = await post_admin(emulator, form(b"\x00" * (1024 * 1024 + 1)))
        assert json.loads(raw)["code"] == "INVALID_PARAM"
        assert "larger than" in json.loads(raw)["message"]
        assert not emulator.state.requests
