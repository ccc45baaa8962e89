"""`cloudfn invoke` in a subprocess: output as the platform returns it, exit status, backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudfn.emulator.logistics.responses import book
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import SEED_OPENID
from cloudfn.sync import BackgroundLoop
from tests.support.paths import SEED_DIR
from tests.support.runtime import clean_environ, run_cli, write_function

WHOAMI = """
import cloudfn

async def main(event, context):
    print("log line from the handler")
    return {"event": event, "wx": cloudfn.getWXContext()}
"""


def test_the_example_prints_the_platform_result() -> None:
    done = run_cli("invoke", "examples/update_printer")
    assert done.returncode == 0, done.stderr
    expected = json.dumps({"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0})
    assert done.stdout == expected + "\n"


def test_event_wx_context_and_handler_output(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "whoami", WHOAMI)
    done = run_cli(
        "invoke", str(directory), "--event", '{"n": 1, "名": "值"}', "--openid", "oX", "--appid", "wxY"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["event"] == {"n": 1, "名": "值"} and '"名": "值"' in done.stdout  # ensure_ascii=False
    assert result["wx"] == {"OPENID": "oX", "APPID": "wxY", "ENV": "local", "SOURCE": "wx_client"}
    assert "log line from the handler" in done.stderr and "log line" not in done.stdout


def test_defaults_are_the_emulator_app_and_user(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "whoami", WHOAMI)
    done = run_cli("invoke", str(directory))
    from cloudfn.emulator.state import DEFAULT_APPID

    assert json.loads(done.stdout)["wx"]["OPENID"] == SEED_OPENID
    assert json.loads(done.stdout)["wx"]["APPID"] == DEFAULT_APPID


def test_event_from_file_and_stdin(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "whoami", WHOAMI)
    event_file = tmp_path / "event.json"
    event_file.write_text('{"from": "file"}')
    from_file = run_cli("invoke", str(directory), "--event", f"@{event_file}")
    from_stdin = run_cli("invoke", str(directory), "--event", "@-", input='{"from": "stdin"}')
    assert json.loads(from_file.stdout)["event"] == {"from": "file"}
    assert json.loads(from_stdin.stdout)["event"] == {"from": "stdin"}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("{nope", "--event: not valid JSON"),
        ("[1]", "--event: must be a JSON object, got list"),
        ("@/no/such/event.json", "--event @/no/such/event.json: cannot read the file"),
    ],
)
def test_bad_events(event: str, message: str) -> None:
    done = run_cli("invoke", str(SEED_DIR), "--event", event)
    assert done.returncode != 0 and message in done.stderr and "Fix:" in done.stderr
    assert done.stdout == ""


def test_raising_function_exits_non_zero(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path, "boom", "async def main(event, context):\n    raise RuntimeError('jammed')\n"
    )
    done = run_cli("invoke", str(directory))
    assert done.returncode == 1 and done.stdout == ""
    assert "RuntimeError: jammed" in done.stderr and "index.py" in done.stderr


def test_raised_sdk_error_prints_errcode_and_errmsg(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path,
        "raises",
        "import cloudfn\ncloud = cloudfn.init()\n\nasync def main(e, c):\n"
        "    return await cloud.openapi.logistics.updatePrinter(\n"
        "        {'openid': 'nobody', 'updateType': 'bind'})\n",
    )
    done = run_cli("invoke", str(directory))
    assert done.returncode == 1
    printed = json.loads(done.stdout)
    assert list(printed) == ["errCode", "errMsg"] and printed["errCode"] == 40003
    assert printed["errMsg"].startswith("openapi.logistics.updatePrinter:fail invalid openid")


def test_timeout_exits_non_zero(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path, "slow", "import asyncio\n\nasync def main(e, c):\n    await asyncio.sleep(30)\n"
    )
    done = run_cli("invoke", str(directory), "--timeout", "0.2")
    assert done.returncode == 1 and "Invoking task timed out after 0.2 seconds" in done.stderr


def test_load_errors_exit_2(tmp_path: Path) -> None:
    directory = write_function(tmp_path, "broken", "def main(event, context)\n    pass\n")
    done = run_cli("invoke", str(directory))
    assert done.returncode == 2
    assert f"{directory / 'index.py'}, line 1: SyntaxError" in done.stderr


@pytest.fixture
def external_emulator() -> Iterator[RunningEmulator]:
    loop = BackgroundLoop("cli-test-emulator")
    manager = run_emulator()
    running = loop.run(manager.__aenter__())
    yield running
    loop.run(manager.__aexit__(None, None, None))
    loop.stop()


def test_configured_backend_is_used_instead_of_an_embedded_emulator(
    external_emulator: RunningEmulator,
) -> None:
    env = clean_environ(
        CLOUDFN_BASE_URL=external_emulator.base_url,
        CLOUDFN_APPID=external_emulator.appid,
        CLOUDFN_SECRET=external_emulator.secret,
    )
    done = run_cli("invoke", str(SEED_DIR), "--event", '{"tagidList": "5"}', env=env)
    assert done.returncode == 0, done.stderr
    assert book(external_emulator.state.apps[external_emulator.appid]).printers[SEED_OPENID].tagids == ["5"]
    wrong_secret = clean_environ(
        CLOUDFN_BASE_URL=external_emulator.base_url,
        CLOUDFN_APPID=external_emulator.appid,
        CLOUDFN_SECRET="wrong",
    )
    refused = run_cli("invoke", str(SEED_DIR), env=wrong_secret)
    assert json.loads(refused.stdout)["errCode"] == 40125  # the example returns the error
    assert "wrong" not in refused.stdout + refused.stderr
