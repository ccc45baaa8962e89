"""The Cloud Run channels, against the emulator's: open-API service (no token) and the token file."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import cloudfn
from cloudfn.cloudrun_protocol import SEQID_HEADER
from cloudfn.emulator.faults.rules import FaultRule
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import SEED_OPENID
from cloudfn.transport.base import ApiRequest
from cloudfn.transport.cloudrun import CloudRunTransport
from tests.support.faults import FAST_RETRY

UPDATE_PATH = "/cgi-bin/express/business/printer/update"


def bind() -> dict[str, str]:
    return {"openid": SEED_OPENID, "updateType": "bind", "tagidList": "123"}


async def control(emulator: RunningEmulator, path: str, body: dict[str, Any]) -> dict[str, Any]:
    url = f"{emulator.base_url}/__emulator__/{path}"
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


def openapi_cloud(emulator: RunningEmulator) -> cloudfn.Cloud:
    return cloudfn.init(transport="cloudrun", base_url=f"{emulator.base_url}/__cloudrun__", retry=FAST_RETRY)


async def test_open_api_service_needs_no_credentials_and_answers_like_https(
    emulator: RunningEmulator,
) -> None:
    async with openapi_cloud(emulator) as cloud:
        assert (await cloud.openapi.logistics.updatePrinter(bind()))["errCode"] == 0
        via_cloudrun = await cloud.openapi.logistics.getPrinter()
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret
    ) as cloud:
        via_https = await cloud.openapi.logistics.getPrinter()
    assert via_cloudrun == via_https
    assert via_cloudrun["openid"] == [SEED_OPENID]
    assert emulator.state.token_requests == 1  # only the HTTPS call fetched one


async def test_cloudrun_is_chosen_from_the_environment(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFN_TRANSPORT", "cloudrun")
    monkeypatch.delenv("CLOUDFN_BASE_URL", raising=False)
    assert cloudfn.init().settings.base_url == "http://api.weixin.qq.com"
    monkeypatch.setenv("CLOUDFN_BASE_URL", f"{emulator.base_url}/__cloudrun__")
    async with cloudfn.init() as cloud:
        assert (await cloud.openapi.logistics.getPrinter())["errCode"] == 0
    with pytest.raises(ValueError, match=r"transport.*cloudrun"):
        cloudfn.init(transport="carrier-pigeon")


async def test_seqid_is_kept_and_logged(emulator: RunningEmulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cloudfn.transport.cloudrun")
    transport = CloudRunTransport(base_url=f"{emulator.base_url}/__cloudrun__")
    try:
        request = ApiRequest(
            api="logistics.getPrinter", method="GET", path="/cgi-bin/express/business/printer/getall"
        )
        response = await transport.send(request)
    finally:
        await transport.close()
    seqid = response.headers[SEQID_HEADER]
    assert seqid
    assert any(seqid in record.getMessage() for record in caplog.records)


async def test_a_path_off_the_whitelist_is_a_clear_85107(emulator: RunningEmulator) -> None:
    await control(emulator, "cloudrun/whitelist", {"apis": ["logistics.getPrinter"]})
    async with openapi_cloud(emulator) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.updatePrinter(bind())
        assert (await cloud.openapi.logistics.getPrinter())["count"] == 0  # nothing was bound
    error = caught.value
    assert error.errCode == 85107
    assert error.errMsg.startswith("openapi.logistics.updatePrinter:fail api not in whitelist")
    assert UPDATE_PATH in str(error) and "whitelist" in str(error) and "Fix" in str(error)
    assert SEQID_HEADER in str(error)


async def test_http_502_is_retried_then_explained(emulator: RunningEmulator) -> None:
    emulator.state.faults.add(FaultRule(api="logistics.updatePrinter", kind="http", value=502, times=1))
    async with openapi_cloud(emulator) as cloud:
        assert (await cloud.openapi.logistics.updatePrinter(bind()))["errCode"] == 0
        emulator.state.faults.add(FaultRule(api="logistics.updatePrinter", kind="http", value=502))
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.updatePrinter(bind())
    assert caught.value.errCode == -601001
    assert "HTTP 502" in caught.value.errMsg
    assert "open-API service" in str(caught.value) and "Fix" in str(caught.value)
    faulted = [r for r in emulator.state.requests if r.fault == "http"]
    assert len(faulted) == 1 + FAST_RETRY["attempts"]


def write_in_place(path: Path, text: str) -> None:
    with open(path, "r+") as handle:  # same inode, unlike os.replace
        handle.write(text)


def token_cloud(emulator: RunningEmulator, token_file: Path) -> cloudfn.Cloud:
    return cloudfn.init(
        transport="cloudrun-token", base_url=emulator.base_url, cloudrun_token_file=str(token_file)
    )


async def test_token_file_is_sent_and_reread_when_it_changes(
    emulator: RunningEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Written inside the emulator's own data directory, the only place the control API writes.
    first = await control(emulator, "cloudrun/token", {"path": "wx/cloudbase_access_token"})
    token_file = first["path"]
    async with token_cloud(emulator, token_file) as cloud:
        assert (await cloud.openapi.logistics.updatePrinter(bind()))["errCode"] == 0
        second = await control(
            emulator, "cloudrun/token", {"path": str(token_file)}
        )  # the platform rotates it (an absolute path inside the data directory is fine too)
        assert second["token"] != first["token"]
        assert (await cloud.openapi.logistics.getPrinter())["count"] == 1
    sent = [r for r in emulator.state.requests if r.path.startswith("/cgi-bin/express")]
    assert [r.errcode for r in sent] == [0, 0]  # the new token was used at once, no rejection
    assert all(r.query["cloudbase_access_token"] == "***" for r in sent)
    assert emulator.state.token_requests == 0
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert first["token"] not in logged and second["token"] not in logged


async def test_a_rejected_file_token_forces_one_reread(emulator: RunningEmulator, tmp_path: Path) -> None:
    token_file = (await control(emulator, "cloudrun/token", {"path": "cloudbase_access_token"}))["path"]
    async with token_cloud(emulator, token_file) as cloud:
        await cloud.openapi.logistics.getPrinter()
        # A new token written in place with the old size and mtime: only a rejection reveals it.
        stat = os.stat(token_file)
        fresh = await control(emulator, "cloudrun/token", {})
        write_in_place(token_file, fresh["token"])
        os.utime(token_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert (await cloud.openapi.logistics.getPrinter())["errCode"] == 0
    codes = [r.errcode for r in emulator.state.requests if r.path.startswith("/cgi-bin/express")]
    assert codes == [0, 40001, 0]


async def test_a_missing_token_file_says_where_and_how_to_fix(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    async with token_cloud(emulator, tmp_path / "nowhere") as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.openapi.logistics.getPrinter()
    assert caught.value.errCode == -601002
    assert str(tmp_path / "nowhere") in str(caught.value)
    assert "CLOUDFN_CLOUDRUN_TOKEN_FILE" in str(caught.value)
    assert not emulator.state.requests  # nothing was sent


async def test_cloudbase_tokens_are_not_access_tokens(emulator: RunningEmulator) -> None:
    token = (await control(emulator, "cloudrun/token", {}))["token"]
    async with aiohttp.ClientSession() as session:
        url = f"{emulator.base_url}/cgi-bin/express/business/printer/getall"
        async with session.get(url, params={"cloudbase_access_token": token}) as response:
            assert (await response.json())["errcode"] == 0
        emulator.state.invalidate_tokens()
        async with session.get(url, params={"cloudbase_access_token": token}) as response:
            assert (await response.json())["errcode"] == 40001
