"""The emulator over raw HTTP: request-level errors, the control API, the CLI process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import aiohttp
import pytest

from cloudfn.emulator.server import RunningEmulator
from tests.support.ports import free_port, wait_for_port

UPDATE = "/cgi-bin/express/business/printer/update"
SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"


async def token_for(http: aiohttp.ClientSession, base_url: str, appid: str, secret: str) -> str:
    body = {"grant_type": "client_credential", "appid": appid, "secret": secret}
    async with http.post(f"{base_url}/cgi-bin/stable_token", json=body) as response:
        return str((await response.json())["access_token"])


@pytest.mark.parametrize(
    ("method", "data", "errcode"),
    [
        ("GET", None, 43002),
        ("POST", b"", 44002),
        ("POST", b"   ", 44002),
        ("POST", b"{not json", 47001),
        ("POST", b"[1, 2]", 47001),
        ("POST", '{"openid": "\xff"}'.encode("latin-1"), 47001),
        ("POST", b'{"openid": "' + b"x" * (1024 * 1024 + 10) + b'"}', 47001),
    ],
    ids=["wrong-method", "empty", "blank", "not-json", "not-object", "not-utf8", "oversized"],
)
async def test_request_level_errors(
    emulator: RunningEmulator, method: str, data: bytes | None, errcode: int
) -> None:
    async with aiohttp.ClientSession() as http:
        token = await token_for(http, emulator.base_url, emulator.appid, emulator.secret)
        async with http.request(
            method, f"{emulator.base_url}{UPDATE}", params={"access_token": token}, data=data
        ) as response:
            assert response.status == 200  # WeChat answers errors in the body, never 5xx
            answer = await response.json()
    assert answer["errcode"] == errcode
    assert answer["errmsg"].rpartition(" rid: ")[2]
    assert emulator.state.snapshot()["apps"][emulator.appid]["printers"] == {}


async def test_control_api_inspects_and_resets(emulator: RunningEmulator) -> None:
    async with aiohttp.ClientSession() as http:
        token = await token_for(http, emulator.base_url, emulator.appid, emulator.secret)
        body = {"openid": SEED_OPENID, "update_type": "bind"}
        async with http.post(f"{emulator.base_url}{UPDATE}", params={"access_token": token}, json=body) as r:
            assert (await r.json())["errcode"] == 0

        async with http.get(f"{emulator.base_url}/__emulator__/requests") as r:
            log = (await r.json())["requests"]
        assert [(e["path"], e["errcode"]) for e in log] == [("/cgi-bin/stable_token", 0), (UPDATE, 0)]
        assert token not in json.dumps(log) and emulator.secret not in json.dumps(log)

        async with http.get(f"{emulator.base_url}/__emulator__/state") as r:
            state = await r.json()
        assert state["apps"][emulator.appid]["printers"] == {SEED_OPENID: {"tagids": []}}

        async with http.post(f"{emulator.base_url}/__emulator__/reset") as r:
            assert r.status == 200
        async with http.get(f"{emulator.base_url}/__emulator__/state") as r:
            assert (await r.json())["apps"][emulator.appid]["printers"] == {}
        async with http.post(f"{emulator.base_url}{UPDATE}", params={"access_token": token}, json=body) as r:
            assert (await r.json())["errcode"] == 40001  # reset forgot the tokens too


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_cli_serves_given_apps_and_users_until_signalled(stop: signal.Signals) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cloudfn",
            "emulator",
            "--port",
            str(port),
            "--app",
            "wxcli0000000000001:cli-secret",
            "--user",
            "oCliUser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        await wait_for_port(port, process)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            token = await token_for(http, base, "wxcli0000000000001", "cli-secret")
            for openid, errcode in (("oCliUser", 0), (SEED_OPENID, 40003)):
                body = {"openid": openid, "update_type": "bind"}
                async with http.post(f"{base}{UPDATE}", params={"access_token": token}, json=body) as r:
                    assert (await r.json())["errcode"] == errcode
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
        assert b"wxcli0000000000001" in (process.stdout.read() if process.stdout else b"")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_rejects_a_malformed_app_flag() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cloudfn", "emulator", "--app", "no-colon"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0
    assert "--app 'no-colon': expected APPID:SECRET" in done.stderr
