"""APIs users add: their own spec folders, through init(specs=...), CLOUDFN_SPECS and --specs."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import cloudfn
from cloudfn.api.registry import Registry, registry_with, spec_root
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import DEFAULT_APPID, DEFAULT_SECRET
from cloudfn.errors import CloudSDKError, ConfigError
from tests.emulator.test_emulator_http import free_port, token_for, wait_for_port
from tests.support.runtime import clean_environ, run_cli, write_function

ECHO_SPEC: dict[str, Any] = {
    "api": "demo.echo",
    "method": "POST",
    "path": "/wxa/demo/echo",
    "request": {
        "type": "object",
        "x-errcode": 40097,
        "x-errmsg": "invalid args",
        "required": ["text"],
        "properties": {"text": {"type": "string", "maxLength": 8}},
    },
    "response": {"type": "object"},
    "example": {"errcode": 0, "errmsg": "ok", "echoed": "hello"},
}


def write_spec(root: Path, document: dict[str, Any]) -> Path:
    namespace, _, method = document["api"].partition(".")
    path = root / namespace / f"{method}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return root


def idcard_override() -> dict[str, Any]:
    shipped = json.loads(spec_root().joinpath("ocr/idcard.json").read_text(encoding="utf-8"))
    return {**shipped, "example": {"errcode": 0, "errmsg": "ok", "type": "Front", "name": "from the user"}}


@pytest.fixture
def user_specs(tmp_path: Path) -> Path:
    root = tmp_path / "my-specs"
    write_spec(root, ECHO_SPEC)
    write_spec(root, idcard_override())
    return root


def test_a_users_spec_overrides_the_shipped_one_and_says_so(
    user_specs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    registry = Registry.from_root(spec_root(), [user_specs])
    with caplog.at_level(logging.DEBUG, logger="cloudfn.api"):
        idcard = registry.get("ocr.idcard")
    assert idcard is not None and idcard.example is not None
    assert idcard.example["name"] == "from the user"
    assert f"ocr.idcard: the spec in {user_specs} overrides the shipped one" in caplog.text
    assert "demo.echo" in registry.names() and "logistics.updatePrinter" in registry.names()
    assert registry.get("ocr.bankcard") is not None  # the shipped rest of the namespace stays


def test_a_missing_folder_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        registry_with([tmp_path / "nope"])
    assert "specs:" in str(info.value) and "no such directory" in str(info.value)
    assert "<namespace>/<method>.json" in str(info.value)


async def test_init_specs_calls_a_users_api_answered_by_its_example(user_specs: Path) -> None:
    registry = registry_with([user_specs])
    async with (
        run_emulator(registry=registry) as emulator,
        cloudfn.init(
            base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, specs=[user_specs]
        ) as cloud,
    ):
        answered = await cloud.openapi.demo.echo({"text": "hi"})
        assert answered == {"echoed": "hello", "errCode": 0, "errMsg": "openapi.demo.echo:ok"}
        idcard = await cloud.openapi.ocr.idcard({"img_url": "https://example.com/a.jpg"})
        assert idcard["name"] == "from the user"
        # The user's request rules apply before anything is sent.
        with pytest.raises(CloudSDKError) as info:
            await cloud.openapi.demo.echo({"text": "far too long"})
        assert info.value.errCode == 40097
        assert [e.api for e in emulator.state.requests if e.api] == ["demo.echo", "ocr.idcard"]
        assert emulator.state.requests[-1].answered == "example"


async def test_cloudfn_specs_reaches_init_and_the_emulator(
    user_specs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFN_SPECS", str(user_specs))
    async with run_emulator() as emulator:
        emulator.state.stubs["demo.echo"] = {"echoed": "stubbed"}
        async with cloudfn.init(
            base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret
        ) as cloud:
            assert (await cloud.openapi.demo.echo({"text": "hi"}))["echoed"] == "stubbed"


async def test_without_the_folder_the_api_is_not_found_and_the_fix_names_the_folder(
    user_specs: Path, emulator: RunningEmulator
) -> None:
    async with cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, specs=[user_specs]
    ) as cloud:
        with pytest.raises(CloudSDKError) as info:
            await cloud.openapi.demo.shout({"text": "hi"})
    assert info.value.errCode == -604100
    assert f"Fix: add {user_specs / 'demo' / 'shout.json'}" in str(info.value)
    async with aiohttp.ClientSession() as session, session.post(f"{emulator.base_url}/wxa/demo/echo") as r:
        assert r.status == 404  # the emulator was started without the user's folder


def test_check_specs_accepts_a_users_api_and_names_the_fixes(user_specs: Path, tmp_path: Path) -> None:
    config = {
        "permissions": {"openapi": ["demo.echo", "openapi.wxacode.getUnlimited", "SubscribeMessage.send"]}
    }
    directory = write_function(tmp_path, "fn", "async def main(event, context):\n    return 1\n", config)
    without = run_cli("check", str(directory))
    assert without.returncode == 1
    assert "demo.echo is not an API cloudfn knows" in without.stdout
    done = run_cli("check", str(directory), "--specs", str(user_specs))
    assert "demo.echo" not in done.stdout.split("permissions:")[0]
    assert (
        "openapi.wxacode.getUnlimited is not an API cloudfn knows (calls to it fail with -604100); "
        'the list names APIs without the "openapi." prefix. Fix: write "wxacode.getUnlimited"'
    ) in done.stdout
    assert (
        "SubscribeMessage.send is not an API cloudfn knows (calls to it fail with -604100); names are "
        'case-sensitive. Fix: write "subscribeMessage.send"'
    ) in done.stdout
    by_env = run_cli("check", str(directory), env=clean_environ(CLOUDFN_SPECS=str(user_specs)))
    assert by_env.stdout == done.stdout
    missing = run_cli("check", str(directory), "--specs", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "--specs: specs:" in missing.stdout


async def test_the_emulator_command_serves_a_users_api_with_specs(user_specs: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "cloudfn", "emulator", "--port", str(port), "--specs", str(user_specs)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_environ(PYTHONUNBUFFERED="1")
    )
    try:
        await wait_for_port(port, process)
        base = f"http://127.0.0.1:{port}"
        async with cloudfn.init(base_url=base, appid=DEFAULT_APPID, secret=DEFAULT_SECRET) as cloud:
            # The client without the folder does not know the API: a raw call shows the route.
            async with aiohttp.ClientSession() as http:
                token = await token_for(http, base, DEFAULT_APPID, DEFAULT_SECRET)
                async with http.post(
                    f"{base}/wxa/demo/echo", params={"access_token": token}, json={"text": "hi"}
                ) as answered:
                    assert await answered.json() == {"errcode": 0, "errmsg": "ok", "echoed": "hello"}
                async with http.post(
                    f"{base}/wxa/demo/echo", params={"access_token": token}, json={"text": "far too long"}
                ) as refused:
                    assert (await refused.json())["errcode"] == 40097
            with pytest.raises(CloudSDKError) as info:
                await cloud.openapi.demo.echo({"text": "hi"})
            assert info.value.errCode == -604100
    finally:
        process.terminate()
        process.wait(timeout=10)
    missing = run_cli("emulator", "--specs", str(user_specs / "nope"))
    assert missing.returncode != 0 and "--specs: specs:" in missing.stderr


def test_invoke_reads_cloudfn_specs_for_the_function_and_its_emulator(
    user_specs: Path, tmp_path: Path
) -> None:
    source = """
    import cloudfn

    cloud = cloudfn.init()


    async def main(event, context):
        return await cloud.openapi.demo.echo({"text": event["text"]})
    """
    directory = write_function(tmp_path, "echo", source, {"permissions": {"openapi": ["demo.echo"]}})
    done = run_cli(
        "invoke",
        str(directory),
        "--event",
        '{"text": "hi"}',
        env=clean_environ(CLOUDFN_SPECS=str(user_specs)),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"echoed": "hello", "errMsg": "openapi.demo.echo:ok", "errCode": 0}
    without = run_cli("invoke", str(directory), "--event", '{"text": "hi"}')
    assert "-604100" in without.stdout + without.stderr


def test_check_specs_names_each_broken_spec_file(tmp_path: Path) -> None:
    folder = tmp_path / "bad-specs"
    write_spec(folder, {**ECHO_SPEC, "api": "demo.other"})  # written as demo/other.json...
    (folder / "demo" / "other.json").rename(folder / "demo" / "echo.json")  # ...and misfiled
    (folder / "demo" / "broken.json").write_text("{nope", encoding="utf-8")
    (folder / "demo" / "partial.json").write_text('{"api": "demo.partial", "method": 1}', encoding="utf-8")
    directory = write_function(tmp_path, "fn", "async def main(event, context):\n    return 1\n", {})
    done = run_cli("check", str(directory), "--specs", str(folder))
    assert done.returncode == 1
    assert f"{folder / 'demo' / 'broken.json'}: not JSON" in done.stdout
    assert f"{folder / 'demo' / 'echo.json'}: api is 'demo.other' but the file says demo.echo" in done.stdout
    assert f"{folder / 'demo' / 'partial.json'}: method: 1 is not one of ['GET', 'POST']" in done.stdout
    assert f"{folder / 'demo' / 'partial.json'}: (top level): 'path' is a required property" in done.stdout
    # At call time a file that is not JSON is named too, with the way to find it.
    with pytest.raises(ValueError) as info:
        registry_with([folder]).get("demo.echo")
    assert f"{folder}/demo: a spec file there is not JSON" in str(info.value)
