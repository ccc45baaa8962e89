"""Every failure of a cloud call: refused locally (nothing sent) or answered by the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cloudfn
from cloudfn import CloudSDKError
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import ConfigError
from tests.support.emulator import api_requests

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"

# (call fields, errcode the server gives, errmsg before " rid:", the wire field the detail names)
BAD_UPDATE_PRINTER = [
    ({"openid": SEED_OPENID, "updateType": "bindd"}, 9300517, "update_type 不正确", "update_type"),
    ({"openid": SEED_OPENID}, 9300517, "update_type 不正确", "update_type"),
    ({"openid": SEED_OPENID, "updateType": 1}, 9300517, "update_type 不正确", "update_type"),
    ({"updateType": "bind"}, 40003, "invalid openid", "openid"),
    ({"openid": "", "updateType": "bind"}, 40003, "invalid openid", "openid"),
    (
        {"openid": SEED_OPENID, "updateType": "bind", "tagidList": ",".join(str(i) for i in range(1, 12))},
        40097,
        "invalid args",
        "tagid_list",
    ),
    (
        {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123, 456"},
        40097,
        "invalid args",
        "tagid_list",
    ),
    (
        {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,,456"},
        40097,
        "invalid args",
        "tagid_list",
    ),
    (
        {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,abc"},
        40097,
        "invalid args",
        "tagid_list",
    ),
    ({"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123,"}, 40097, "invalid args", "tagid_list"),
    (
        {"openid": SEED_OPENID, "updateType": "bind", "tagidList": ["123"]},
        40097,
        "invalid args",
        "tagid_list",
    ),
    ({"openid": SEED_OPENID, "updateType": "bind", "printer": "x"}, 40097, "invalid args", "printer"),
]
IDS = [
    "bad-enum",
    "no-update-type",
    "update-type-number",
    "no-openid",
    "empty-openid",
    "11-tagids",
    "tag-space",
    "tag-empty-item",
    "tag-non-digit",
    "tag-trailing-comma",
    "tag-not-string",
    "extra-field",
]


def errmsg_without_rid(err: CloudSDKError) -> str:
    message, sep, rid = err.errMsg.rpartition(" rid: ")
    assert sep and rid, f"errMsg should end with a request id like the server's: {err.errMsg!r}"
    return message


@pytest.mark.parametrize(("fields", "errcode", "errmsg", "field"), BAD_UPDATE_PRINTER, ids=IDS)
async def test_shim_refuses_invalid_input_without_sending(
    seed_cloud: Cloud, emulator: RunningEmulator, fields: dict, errcode: int, errmsg: str, field: str
) -> None:
    with pytest.raises(CloudSDKError) as info:
        await seed_cloud.openapi.logistics.updatePrinter(fields)

    err = info.value
    assert err.errCode == errcode
    assert errmsg_without_rid(err) == f"openapi.logistics.updatePrinter:fail {errmsg}"
    assert err.errMsg.rpartition(" rid: ")[2].startswith("local-")
    assert field in str(err) and "Fix:" in str(err)  # names the field and the fix
    assert api_requests(emulator) == []  # nothing was sent


@pytest.mark.parametrize(("fields", "errcode", "errmsg", "field"), BAD_UPDATE_PRINTER, ids=IDS)
async def test_emulator_answers_the_same_codes_with_validation_off(
    raw_cloud: Cloud, emulator: RunningEmulator, fields: dict, errcode: int, errmsg: str, field: str
) -> None:
    with pytest.raises(CloudSDKError) as info:
        await raw_cloud.openapi.logistics.updatePrinter(fields)

    assert info.value.errCode == errcode
    assert errmsg_without_rid(info.value) == f"openapi.logistics.updatePrinter:fail {errmsg}"
    [request] = api_requests(emulator)  # it was sent, and refused by the server
    assert request.errcode == errcode
    assert emulator.state.snapshot()["apps"][emulator.appid]["printers"] == {}


async def test_unknown_openid_is_refused_by_the_server(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    with pytest.raises(CloudSDKError) as info:
        await seed_cloud.openapi.logistics.updatePrinter(openid="oUnknownUser", updateType="bind")

    assert info.value.errCode == 40003
    assert errmsg_without_rid(info.value) == "openapi.logistics.updatePrinter:fail invalid openid"


async def test_api_not_in_config_is_refused_by_the_platform_and_not_sent(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"permissions": {"openapi": ["logistics.getPrinter"]}}))
    async with cloudfn.init(
        config=config, base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret
    ) as cloud:
        with pytest.raises(CloudSDKError) as info:
            await cloud.openapi.logistics.updatePrinter(openid=SEED_OPENID, updateType="bind")

    assert info.value.to_json() == {"errCode": -604101, "errMsg": "system error: error code: -604101"}
    assert "logistics.updatePrinter" in str(info.value) and str(config) in str(info.value)
    assert not emulator.state.requests  # not even a token was fetched


async def test_api_without_a_spec_says_how_to_add_one(seed_cloud: Cloud, emulator: RunningEmulator) -> None:
    with pytest.raises(CloudSDKError) as info:
        await seed_cloud.openapi.logistics.updatePrinters({"openid": SEED_OPENID})

    assert info.value.errCode == -604101  # the config does not list it either: refused first
    async with cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret) as free:
        with pytest.raises(CloudSDKError) as info:
            await free.openapi.logistics.updatePrinters({"openid": SEED_OPENID})
    err = info.value
    assert err.errCode == -604100
    assert err.message == "errCode: -604100 API not found | errMsg: system error: error code: -604100"
    assert "did you mean logistics.updatePrinter" in str(err)
    # The fix is a folder of the user's own, never a file inside the installed package.
    assert "write SPECS/logistics/updatePrinters.json in a folder of your own" in str(err)
    assert "cloudfn.init(specs=[SPECS]) or CLOUDFN_SPECS=SPECS" in str(err)
    assert not emulator.state.requests


def test_error_serialises_like_the_node_sdk_error() -> None:
    err = CloudSDKError(9300517, "openapi.logistics.updatePrinter:fail update_type 不正确 rid: 1-2-3")

    assert json.dumps(err.to_json(), ensure_ascii=False) == (
        '{"errCode": 9300517, "errMsg": "openapi.logistics.updatePrinter:fail update_type 不正确 rid: 1-2-3"}'
    )
    # Node: `errCode: ${code} ${ERR_CODE[code] || ''} | errMsg: ${errMsg}`
    assert err.message == (
        "errCode: 9300517  | errMsg: openapi.logistics.updatePrinter:fail update_type 不正确 rid: 1-2-3"
    )
    assert str(CloudSDKError(-601003, "x")) == "errCode: -601003 system network error | errMsg: x"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        ("{not json", "not valid JSON at line 1"),
        ("[]", "must be a JSON object"),
        ('{"permissions": {"openapi": "logistics.updatePrinter"}}', "permissions.openapi"),
        ('{"permissions": {"openapi": [1]}}', "permissions.openapi[0]"),
        ('{"timeout": -1}', "timeout"),
    ],
    ids=["missing", "not-json", "not-object", "openapi-not-list", "openapi-item-not-string", "bad-timeout"],
)
def test_bad_config_names_the_file_and_the_problem(tmp_path: Path, content: str | None, problem: str) -> None:
    config = tmp_path / "config.json"
    if content is not None:
        config.write_text(content)

    with pytest.raises(ConfigError) as info:
        cloudfn.init(config=config, appid="wx1", secret="s")

    assert str(config) in str(info.value)
    assert problem in str(info.value)
    assert "Fix:" in str(info.value)


async def test_missing_credentials_fail_the_call_with_the_fix() -> None:
    async with cloudfn.init(base_url="http://127.0.0.1:9") as cloud:
        with pytest.raises(CloudSDKError) as info:
            await cloud.openapi.logistics.getPrinter()
    assert info.value.errCode == -601002
    assert "CLOUDFN_APPID" in str(info.value)
