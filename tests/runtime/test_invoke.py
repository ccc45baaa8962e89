"""invoke(): results, errors, timeouts, the context argument, sync handlers, per-invocation WX context."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

import cloudfn
from cloudfn.emulator.logistics.responses import book
from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import SEED_OPENID
from cloudfn.runtime.backend import emulator_environ
from cloudfn.runtime.invoke import invoke
from cloudfn.runtime.loader import CloudFunction, load_function
from tests.support.paths import SEED_DIR
from tests.support.runtime import write_function


async def _load(directory: Path, emulator: RunningEmulator) -> CloudFunction:
    return load_function(directory, runner_environ=emulator_environ(emulator))


async def test_the_example_binds_the_printer_on_the_emulator(emulator: RunningEmulator) -> None:
    function = await _load(SEED_DIR, emulator)
    try:
        outcome = await invoke(function, {}, wx_context={"OPENID": SEED_OPENID})
    finally:
        await function.close()
    assert outcome.ok and outcome.error is None
    assert outcome.result == {"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}
    assert list(outcome.result) == ["errMsg", "errCode"]
    assert book(emulator.state.apps[emulator.appid]).printers[SEED_OPENID].tagids == ["123", "456"]
    assert outcome.duration > 0 and len(outcome.request_id) == 36


async def test_returned_sdk_error_is_the_result(emulator: RunningEmulator) -> None:
    function = await _load(SEED_DIR, emulator)
    try:
        outcome = await invoke(function, {"openid": "unknown-user"})
    finally:
        await function.close()
    assert outcome.ok  # returned, not raised
    assert outcome.result["errCode"] == 40003
    assert outcome.result["errMsg"].startswith("openapi.logistics.updatePrinter:fail invalid openid rid: ")
    assert set(outcome.result) == {"errCode", "errMsg"}


async def test_raised_sdk_error_becomes_its_json(tmp_path: Path, emulator: RunningEmulator) -> None:
    directory = write_function(
        tmp_path,
        "raises_sdk",
        """
        import cloudfn
        cloud = cloudfn.init()

        async def main(event, context):
            return await cloud.openapi.logistics.updatePrinter({"openid": "x", "updateType": "sideways"})
        """,
    )
    function = await _load(directory, emulator)
    try:
        outcome = await invoke(function, {})
    finally:
        await function.close()
    assert not outcome.ok and outcome.error_kind == "raised" and outcome.error_type == "CloudSDKError"
    assert set(outcome.result) == {"errCode", "errMsg"}
    assert outcome.result["errCode"] == outcome.error_code != 0
    assert "nothing was sent" in (outcome.error or "")
    assert [r for r in emulator.state.requests if r.api] == []  # refused locally


async def test_permissions_come_from_the_functions_config(tmp_path: Path, emulator: RunningEmulator) -> None:
    directory = write_function(
        tmp_path,
        "no_permission",
        """
        import cloudfn
        cloud = cloudfn.init()

        async def main(event, context):
            return await cloud.openapi.logistics.getPrinter({})
        """,
        {"permissions": {"openapi": ["logistics.updatePrinter"]}},
    )
    function = await _load(directory, emulator)
    try:
        outcome = await invoke(function, {})
    finally:
        await function.close()
    assert outcome.result == {"errCode": -604101, "errMsg": "system error: error code: -604101"}
    assert str(directory / "config.json") in (outcome.error or "")


async def test_raised_exception(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path,
        "boom",
        "def helper():\n    raise ValueError('no printer')\n\nasync def main(e, c):\n    helper()\n",
    )
    outcome = await invoke(load_function(directory), {})
    assert outcome.result is None and outcome.error == "ValueError: no printer"
    assert outcome.error_kind == "raised" and outcome.error_code == -504002
    assert outcome.traceback is not None and 'index.py", line 2, in helper' in outcome.traceback
    assert "runtime/invoke.py" not in outcome.traceback
    body = outcome.error_body()
    assert body["requestId"] == outcome.request_id and "stackTrace" not in body
    assert "stackTrace" in outcome.error_body(debug=True)


@pytest.mark.parametrize(
    "handler",
    [
        "import asyncio, pathlib\n\nasync def main(event, context):\n"
        "    await asyncio.sleep(30)\n    pathlib.Path(__file__).with_name('finished').touch()\n",
        "import time, pathlib\n\ndef main(event, context):\n"
        "    time.sleep(1.5)\n    pathlib.Path(__file__).with_name('finished').touch()\n",
    ],
    ids=["async", "sync"],
)
async def test_timeout_fails_the_invocation(tmp_path: Path, handler: str) -> None:
    directory = write_function(tmp_path, "slow", handler, {"timeout": 0.3})
    function = load_function(directory)
    outcome = await invoke(function, {})
    assert outcome.error_kind == "timeout"
    assert outcome.error is not None and outcome.error.startswith("Invoking task timed out after 0.3 seconds")
    assert outcome.duration >= 0.3
    # It answered without waiting for the handler, which has not finished yet.
    assert not (directory / "finished").exists()
    # An explicit timeout wins over config.json's; the loop is still healthy.
    quick = write_function(tmp_path, "quick", "async def main(e, c):\n    return 'ok'\n", {"timeout": 0.3})
    assert (await invoke(load_function(quick), {}, timeout=5)).result == "ok"


async def test_a_timeout_error_raised_by_the_handler_is_not_a_timeout(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path, "own_timeout", "async def main(e, c):\n    raise TimeoutError('upstream')\n"
    )
    outcome = await invoke(load_function(directory), {})
    assert outcome.error_kind == "raised" and outcome.error == "TimeoutError: upstream"


async def test_context_argument(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path,
        "ctx",
        """
        def main(event, context):
            return {
                "request_id": context["request_id"],
                "attr": context.request_id,
                "function_name": context.function_name,
                "memory": context["memory_limit_in_mb"],
                "limit": context["time_limit_in_ms"],
                "remaining": context.get_remaining_time_in_millis(),
                "namespace": context["namespace"],
            }
        """,
        {"timeout": 7},
    )
    outcome = await invoke(load_function(directory), {}, request_id="req-1", wx_context={"ENV": "prod-1"})
    result = outcome.result
    assert result["request_id"] == result["attr"] == "req-1" == outcome.request_id
    assert result["function_name"] == "ctx" and result["memory"] == 256 and result["limit"] == 7000
    assert 0 < result["remaining"] <= 7000 and result["namespace"] == "prod-1"


async def test_sync_handler_calls_the_cloud_through_the_blocking_facade(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    directory = write_function(
        tmp_path,
        "sync_calls",
        """
        import cloudfn
        cloud = cloudfn.init()

        def main(event, context):
            bound = cloud.sync.openapi.logistics.updatePrinter(
                {"openid": event["openid"], "updateType": "bind", "tagidList": "7"}
            )
            listed = cloud.sync.openapi.logistics.getPrinter({})
            return {"bound": bound, "listed": listed, "wx": cloudfn.getWXContext()}
        """,
    )
    function = await _load(directory, emulator)
    try:
        outcome = await invoke(function, {"openid": SEED_OPENID}, wx_context={"OPENID": "o-sync"})
    finally:
        await function.close()
    assert outcome.error is None, outcome.error
    assert outcome.result["bound"] == {"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}
    assert outcome.result["listed"]["openid"] == [SEED_OPENID]
    assert outcome.result["wx"] == {"OPENID": "o-sync"}


async def test_blocking_facade_refuses_to_run_inside_a_loop(emulator: RunningEmulator) -> None:
    cloud = cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret)
    with pytest.raises(RuntimeError, match=r"inside a running event loop.*Fix: in an `async def` handler"):
        cloud.sync.openapi.logistics.getPrinter({})
    await cloud.close()


def test_blocking_facade_outside_any_runner(emulator_thread_url: tuple[str, str, str]) -> None:
    base_url, appid, secret = emulator_thread_url
    cloud = cloudfn.init(base_url=base_url, appid=appid, secret=secret)
    first = cloud.sync.openapi.logistics.getPrinter({})
    second = cloud.sync.call("logistics.getPrinter", {})
    assert first == second and first["errCode"] == 0
    cloud.sync.close()


@pytest.fixture
def emulator_thread_url() -> object:
    """An emulator on its own background loop, for a plain (non-async) test."""
    from cloudfn.sync import BackgroundLoop

    loop = BackgroundLoop("test-emulator")
    manager = run_emulator()
    running = loop.run(manager.__aenter__())
    yield running.base_url, running.appid, running.secret
    loop.run(manager.__aexit__(None, None, None))
    loop.stop()


async def test_return_values_as_json_stringify_sees_them(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path,
        "values",
        """
        import cloudfn

        def main(event, context):
            return {"err": cloudfn.CloudSDKError(-1, "x"), "buf": b"hi", "items": (1, 2)}
        """,
    )
    outcome = await invoke(load_function(directory), {})
    assert outcome.result == {
        "err": {"errCode": -1, "errMsg": "x"},
        "buf": {"type": "Buffer", "data": [104, 105]},
        "items": [1, 2],
    }
    unjsonable = write_function(tmp_path, "unjsonable", "def main(e, c):\n    return {'when': object()}\n")
    failed = await invoke(load_function(unjsonable), {})
    assert failed.error_kind == "raised" and "JSON cannot hold" in (failed.error or "")


async def test_concurrent_invocations_see_only_their_own_wx_context(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path,
        "whoami",
        """
        import asyncio
        import cloudfn

        async def main(event, context):
            before = cloudfn.getWXContext()
            await asyncio.sleep(event["pause"])
            return {"before": before, "after": cloudfn.get_wx_context()}
        """,
    )
    function = load_function(directory)
    users = [f"o-user-{i}" for i in range(20)]
    outcomes = await asyncio.gather(
        *(
            invoke(
                function,
                {"pause": (i % 5) / 100},
                wx_context={"OPENID": user, "APPID": "wxA", "CLIENTIP": "10.0.0.1"},
            )
            for i, user in enumerate(users)
        )
    )
    for user, outcome in zip(users, outcomes, strict=True):
        expected = {"OPENID": user, "APPID": "wxA", "CLIENTIP": "10.0.0.1"}
        assert outcome.result == {"before": expected, "after": expected}
    assert "WX_OPENID" not in os.environ and cloudfn.getWXContext() == {}


async def test_sync_handlers_concurrently_see_their_own_context(tmp_path: Path) -> None:
    directory = write_function(
        tmp_path,
        "whoami_sync",
        "import time, cloudfn\n\ndef main(event, context):\n"
        "    time.sleep(0.05)\n    return cloudfn.getWXContext()['OPENID']\n",
    )
    function = load_function(directory)
    outcomes = await asyncio.gather(
        *(invoke(function, {}, wx_context={"OPENID": f"o{i}"}) for i in range(10))
    )
    assert [o.result for o in outcomes] == [f"o{i}" for i in range(10)]


def test_outcome_is_json_serialisable_for_the_example_shape() -> None:
    # The CLI prints with json.dumps default separators: keep the Node key order.
    assert json.dumps({"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}) == (
        '{"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}'
    )


async def test_plain_def_returning_a_cloud_call_is_awaited(tmp_path: Path, emulator: RunningEmulator) -> None:
    directory = write_function(
        tmp_path,
        "returns_awaitable",
        "import cloudfn\ncloud = cloudfn.init()\n\ndef main(event, context):\n"
        "    return cloud.openapi.logistics.getPrinter({})\n",
    )
    function = await _load(directory, emulator)
    try:
        outcome = await invoke(function, {})
    finally:
        await function.close()
    assert outcome.result == {
        "count": 0,
        "openid": [],
        "tagidList": [],
        "errMsg": "openapi.logistics.getPrinter:ok",
        "errCode": 0,
    }
