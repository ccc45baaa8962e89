"""The emulator against hostile requests, over HTTP: a locked-down control plane, no 5xx, no poisoning,
a bounded request log, credentials masked at every depth."""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import EmulatorState
from cloudfn.proto import CommApiData, CommOpenApiResp
from tests.support.logistics import order_body
from tests.support.paths import ROOT as REPO
from tests.support.runtime import clean_environ

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"
JSON = {"Content-Type": "application/json"}


async def send(
    emulator: RunningEmulator,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, bytes]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            emulator.base_url + path,
            data=body,
            headers=headers or {},
            skip_auto_headers=["Content-Type"],
        ) as response,
    ):
        return response.status, response.headers.get("Content-Type", ""), await response.read()


async def token_for(emulator: RunningEmulator) -> str:
    body = json.dumps({"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret})
    status, _, raw = await send(emulator, "POST", "/cgi-bin/stable_token", body=body.encode(), headers=JSON)
    assert status == 200
    return str(json.loads(raw)["access_token"])


def read_text(path: Path) -> str:
    return path.read_text()


def error_text(raw: bytes) -> str:
    return str(json.loads(raw)["error"])


# ---- 1. the control plane ----


async def test_token_file_outside_the_data_directory_is_refused(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    outside = tmp_path / "created" / "token"
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    victim.chmod(0o644)
    for path in (str(outside), str(victim), "../escape", "/etc/cloudfn-never"):
        status, content_type, raw = await send(
            emulator,
            "POST",
            "/__emulator__/cloudrun/token",
            body=json.dumps({"path": path}).encode(),
            headers=JSON,
        )
        assert status == 400 and content_type.startswith("application/json"), raw
        assert "outside the emulator's data directory" in error_text(raw) and "Fix:" in error_text(raw)
    assert not outside.parent.exists()
    assert victim.read_text() == "keep me" and victim.stat().st_mode & 0o777 == 0o644


async def test_token_file_inside_the_data_directory(emulator: RunningEmulator) -> None:
    status, _, raw = await send(
        emulator,
        "POST",
        "/__emulator__/cloudrun/token",
        body=b'{"path": "wx/cloudbase_access_token"}',
        headers=JSON,
    )
    assert status == 200
    answer = json.loads(raw)
    written = Path(answer["path"])
    assert written.name == "cloudbase_access_token"
    assert read_text(written) == answer["token"]
    # A directory as the path: refused, and no temp file holding a live token is left behind.
    status, _, raw = await send(
        emulator, "POST", "/__emulator__/cloudrun/token", body=b'{"path": "wx"}', headers=JSON
    )
    assert status == 400 and "is a directory" in error_text(raw)
    assert sorted(p.name for p in written.parent.iterdir()) == ["cloudbase_access_token"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]
)
async def test_control_api_refuses_non_json_bodies(emulator: RunningEmulator, content_type: str) -> None:
    body = b'{"path": "token"}'
    status, _, raw = await send(
        emulator, "POST", "/__emulator__/cloudrun/token", body=body, headers={"Content-Type": content_type}
    )
    assert status == 415, raw
    assert "application/json" in error_text(raw)
    status, _, raw = await send(emulator, "GET", "/__emulator__/state")
    assert json.loads(raw)["tokens"]["live"] == 0  # nothing was issued


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "http://192.168.1.5:8080", "http://localhost.evil.com"]
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/__emulator__/reset"),
        ("GET", "/__emulator__/state"),
        ("GET", "/__emulator__/requests"),
        ("GET", "/__emulator__/functions"),
        ("POST", "/__emulator__/cloudrun/token"),
    ],
)
async def test_control_api_refuses_cross_origin_requests(
    emulator: RunningEmulator, origin: str, method: str, path: str
) -> None:
    status, _, raw = await send(emulator, method, path, headers={"Origin": origin})
    assert status == 403, raw
    assert "cross-origin" in error_text(raw)


@pytest.mark.parametrize("origin", ["http://127.0.0.1:3000", "http://localhost:8080", "http://[::1]:9"])
async def test_control_api_accepts_local_origins(emulator: RunningEmulator, origin: str) -> None:
    status, _, _ = await send(emulator, "GET", "/__emulator__/state", headers={"Origin": origin})
    assert status == 200


async def test_control_token_is_required_when_set() -> None:
    async with run_emulator(state=EmulatorState(control_token="s3cret-control")) as emulator:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-control"}):
            status, _, raw = await send(emulator, "GET", "/__emulator__/requests", headers=headers)
            assert status == 401 and "control token" in error_text(raw)
        status, _, _ = await send(
            emulator, "POST", "/__emulator__/reset", headers={"Authorization": "Bearer s3cret-control"}
        )
        assert status == 200
        # The API channels need no control token.
        await token_for(emulator)


async def test_function_listing_never_shows_secret_keys(emulator: RunningEmulator) -> None:
    body = json.dumps({"name": "fn", "permissions": ["logistics.updatePrinter"]}).encode()
    status, _, raw = await send(emulator, "POST", "/__emulator__/functions", body=body, headers=JSON)
    assert status == 200
    issued = json.loads(raw)
    assert issued["secret_key"]  # the registration answer hands it out, once
    status, _, raw = await send(emulator, "GET", "/__emulator__/functions")
    assert "secret_key" not in raw.decode() and issued["secret_key"] not in raw.decode()
    assert json.loads(raw)["functions"][0]["secret_id"] == issued["secret_id"]


def read_lines(stream: Any, *, until: str) -> list[str]:
    """Lines from a process's stdout up to the one holding ``until`` (or its end, or a 30 s guard)."""
    lines: list[str] = []
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while selector.select(30):
            line = stream.readline()
            lines.append(line)
            if not line or until in line:
                break
    return lines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_emulator_on_a_non_loopback_address_warns_and_generates_a_token(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "stderr"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "cloudfn", "emulator", "--host", "0.0.0.0", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=clean_environ(),
            cwd=REPO,
        )
        try:
            assert process.stdout is not None
            lines = read_lines(process.stdout, until="cloudfn emulator on")
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    printed = "".join(lines)
    match = re.search(r"control token \(generated\): (\S+)", printed)
    assert match, printed
    warning = log.read_text()
    assert "warning: listening on 0.0.0.0" in warning and "control token" in warning, warning


# ---- 2. no 5xx, no poisoning ----


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"appid": ["x"], "secret": "s"}, 40013),
        ({"appid": {"a": 1}, "secret": "s"}, 40013),
        ({"appid": "wx0123456789abcdef", "secret": "é"}, 40125),
        ({"appid": "wx0123456789abcdef", "secret": 5}, 40125),
        ({"appid": "wx0123456789abcdef", "secret": ["x"]}, 40125),
    ],
)
async def test_stable_token_with_odd_credentials(
    emulator: RunningEmulator, body: dict[str, Any], errcode: int
) -> None:
    full = {"grant_type": "client_credential", **body, "appid": body["appid"]}
    if body["appid"] == "wx0123456789abcdef":
        full["appid"] = emulator.appid
    status, _, raw = await send(
        emulator, "POST", "/cgi-bin/stable_token", body=json.dumps(full).encode(), headers=JSON
    )
    assert status == 200 and json.loads(raw)["errcode"] == errcode, raw


async def test_classic_token_with_a_non_ascii_secret(emulator: RunningEmulator) -> None:
    status, _, raw = await send(
        emulator, "GET", f"/cgi-bin/token?grant_type=client_credential&appid={emulator.appid}&secret=%C3%A9"
    )
    assert status == 200 and json.loads(raw)["errcode"] == 40125


@pytest.mark.parametrize(
    "api_path", ["/cgi-bin/express/delivery/contact/get", "/cgi-bin/express/delivery/path/update"]
)
async def test_non_ascii_waybill_token(emulator: RunningEmulator, api_path: str) -> None:
    token = await token_for(emulator)
    status, _, raw = await send(
        emulator,
        "POST",
        f"/cgi-bin/express/business/order/add?access_token={token}",
        body=json.dumps(order_body("hostile-1")).encode(),
        headers=JSON,
    )
    waybill = json.loads(raw)["waybill_id"]
    body = {"token": "令牌é", "waybill_id": waybill}
    if "path" in api_path:
        body.update(action_time=1, action_type=100001, action_msg="x")
    status, _, raw = await send(
        emulator, "POST", f"{api_path}?access_token={token}", body=json.dumps(body).encode(), headers=JSON
    )
    assert status == 200 and json.loads(raw)["errcode"] == 9300507, raw


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=other"],
)
async def test_admin_with_a_bad_boundary(emulator: RunningEmulator, content_type: str) -> None:
    body = b'--real\r\nContent-Disposition: form-data; name="action"\r\n\r\nwx.openApi\r\n--real--\r\n'
    status, answer_type, raw = await send(
        emulator, "POST", "/admin", body=body, headers={"Content-Type": content_type}
    )
    assert status == 200 and answer_type.startswith("application/json")
    assert json.loads(raw)["code"] == "INVALID_PARAM"


async def test_admin_with_pairs_nested_a_thousand_deep(emulator: RunningEmulator) -> None:
    data = CommApiData()
    for key, value in (
        ("openid", json.dumps(SEED_OPENID)),
        ("update_type", '"bind"'),
        ("deep", "[" * 1000 + "]" * 1000),
    ):
        pair = data.openapiData.pairs.add()
        pair.key = key
        pair.value = value.encode()
    form = aiohttp.FormData()
    form.add_field("action", "wx.openApi")
    form.add_field("apiName", "logistics.updatePrinter")
    form.add_field(
        "requestData",
        data.SerializeToString(),
        filename="requestData",
        content_type="application/octet-stream",
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emulator.base_url}/admin", data=form) as response,
    ):
        assert response.status == 200
        answer = CommOpenApiResp.FromString(await response.read())
    assert json.loads(answer.respData)["errcode"] == 47001


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status"),
    [
        ("GET", "/__emulator__/requests?since=abc", None, {}, 400),
        (
            "POST",
            "/__emulator__/clock",
            b'{"advance": 1}',
            {"Content-Type": "application/json; charset=bogus"},
            415,
        ),
        ("POST", "/__emulator__/clock", b'{"advance": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON, 400),
        ("POST", "/__emulator__/cloudrun/whitelist", b"{not json", JSON, 400),
        ("POST", "/__emulator__/cloudrun/whitelist", b"[1]", JSON, 400),
        ("POST", "/__emulator__/cloudrun/token", b"{not json", JSON, 400),
        ("POST", "/__emulator__/cloudrun/token", b'"x"', JSON, 400),
        (
            "POST",
            "/__emulator__/faults",
            b'{"rules": [{"api": "*", "kind": "latency", "value": Infinity}]}',
            JSON,
            400,
        ),
        (
            "POST",
            "/__emulator__/faults",
            b'{"rules": [{"api": "*", "kind": "errcode", "value": NaN}]}',
            JSON,
            400,
        ),
        ("POST", "/__emulator__/faults", b'{"rules": [{"api": 5, "kind": "errcode"}]}', JSON, 400),
        ("POST", "/__emulator__/functions", b"\xff\xfe", JSON, 400),
        ("POST", "/__emulator__/tokens/expire", b'{"appid": ["x"]}', JSON, 400),
    ],
)
async def test_control_api_answers_4xx_to_bad_input(
    emulator: RunningEmulator,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    got, content_type, raw = await send(emulator, method, path, body=body, headers=headers)
    assert got == status, raw
    assert content_type.startswith("application/json") and "Fix:" in error_text(raw)


@pytest.mark.parametrize("advance", [b"NaN", b"Infinity", b"1e308", b"-1", b'"1"', b"true"])
async def test_the_clock_cannot_be_poisoned(emulator: RunningEmulator, advance: bytes) -> None:
    status, _, _ = await send(
        emulator, "POST", "/__emulator__/clock", body=b'{"advance": ' + advance + b"}", headers=JSON
    )
    assert status == 400
    await token_for(emulator)  # the next request is fine
    status, _, raw = await send(emulator, "GET", "/__emulator__/state")
    assert status == 200 and json.loads(raw)["clock_offset"] == 0


async def test_a_lone_surrogate_does_not_poison_the_request_log(emulator: RunningEmulator) -> None:
    token = await token_for(emulator)
    body = b'{"openid": "\\ud800", "update_type": "bind"}'
    status, _, raw = await send(
        emulator,
        "POST",
        f"/cgi-bin/express/business/printer/update?access_token={token}",
        body=body,
        headers=JSON,
    )
    assert status == 200 and json.loads(raw)["errcode"] == 47001
    status, _, raw = await send(emulator, "GET", "/__emulator__/requests")
    assert status == 200
    assert len(json.loads(raw)["requests"]) == 2


# ---- the request log: a ring, released by reset, credentials masked ----


async def test_the_request_log_is_a_ring_emptied_by_reset() -> None:
    async with run_emulator(state=EmulatorState(request_log_size=5)) as emulator:
        for _ in range(12):
            await token_for(emulator)
        _status, _, raw = await send(emulator, "GET", "/__emulator__/requests")
        seqs = [entry["seq"] for entry in json.loads(raw)["requests"]]
        assert seqs == [8, 9, 10, 11, 12]
        _, _, raw = await send(emulator, "GET", "/__emulator__/requests?since=10")
        assert [entry["seq"] for entry in json.loads(raw)["requests"]] == [11, 12]
        await send(emulator, "POST", "/__emulator__/reset")
        _, _, raw = await send(emulator, "GET", "/__emulator__/requests")
        assert json.loads(raw)["requests"] == []
        await token_for(emulator)
        _, _, raw = await send(emulator, "GET", "/__emulator__/requests")
        assert [entry["seq"] for entry in json.loads(raw)["requests"]] == [1]


async def test_credentials_are_masked_at_every_depth_of_logged_bodies(emulator: RunningEmulator) -> None:
    token = await token_for(emulator)
    body = {
        "openid": SEED_OPENID,
        "update_type": "bind",
        "x": {"secret": "nested-s3cret", "list": [{"access_token": "deep-t0ken", "SecretKey": "sk-v4lue"}]},
    }
    await send(
        emulator,
        "POST",
        f"/cgi-bin/express/business/printer/update?access_token={token}",
        body=json.dumps(body).encode(),
        headers=JSON,
    )
    _, _, raw = await send(emulator, "GET", "/__emulator__/requests")
    text = raw.decode()
    for secret in ("nested-s3cret", "deep-t0ken", "sk-v4lue", token, emulator.secret):
        assert secret not in text
    logged = json.loads(raw)["requests"][-1]["body"]
    assert logged["x"]["secret"] == "***" and logged["x"]["list"][0]["access_token"] == "***"


async def test_admin_requests_are_logged_without_credentials(emulator: RunningEmulator) -> None:
    data = CommApiData()
    for key, value in (("openid", SEED_OPENID), ("update_type", "bind"), ("access_token", "adm1n-t0ken")):
        pair = data.openapiData.pairs.add()
        pair.key = key
        pair.value = json.dumps(value).encode()
    form = aiohttp.FormData()
    form.add_field("action", "wx.openApi")
    form.add_field("apiName", "logistics.updatePrinter")
    form.add_field(
        "requestData",
        data.SerializeToString(),
        filename="requestData",
        content_type="application/octet-stream",
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emulator.base_url}/admin?access_token=q-t0ken", data=form) as response,
    ):
        assert response.status == 200
    _, _, raw = await send(emulator, "GET", "/__emulator__/requests")
    assert b"adm1n-t0ken" not in raw and b"q-t0ken" not in raw, raw[:2000]


def test_the_data_directory_is_removed_when_the_emulator_stops() -> None:
    import asyncio

    async def run() -> Path:
        async with run_emulator() as emulator:
            return emulator.state.data_dir()

    directory = asyncio.run(run())
    assert not directory.exists() and not os.path.exists(directory)
