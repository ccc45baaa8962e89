"""cloud.callFunction from Python: the Node SDK's argument errors, both wires, the result shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cloudfn
from cloudfn.emulator.server import run_emulator
from cloudfn.functions import FunctionCallError
from cloudfn.runtime.backend import emulator_environ
from cloudfn.runtime.project import Project

CALLEE = """
import cloudfn


async def main(event, context):
    if event.get("boom"):
        raise RuntimeError("boom")
    return {"got": event, "ctx": cloudfn.getWXContext()}
"""


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # Worded exactly as wx-server-sdk 4.0.2 words them (observed by running it).
        ({}, "parameter.name should be string instead of undefined;"),
        ({"name": 1}, "parameter.name should be string instead of number;"),
        ({"name": "x", "data": "str"}, "parameter.data should be object instead of string;"),
        ({"name": "x", "data": None}, "parameter.data should be object instead of null;"),
        (
            None,
            "callFunction:fail undefined . Params for callFunction must be an object instead of undefined",
        ),
    ],
)
async def test_bad_arguments_fail_as_in_the_node_sdk_and_nothing_is_sent(options: Any, message: str) -> None:
    async with (
        run_emulator() as emulator,
        cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret) as cloud,
    ):
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await cloud.callFunction(options)
        assert caught.value.to_json() == {"errCode": -1, "errMsg": message}
        assert list(emulator.state.requests) == []


@pytest.mark.parametrize("transport", ["https", "tcb"])
async def test_both_wires_give_the_node_sdk_result_and_errors(tmp_path: Path, transport: str) -> None:
    root = tmp_path / "cloudfunctions"
    (root / "callee").mkdir(parents=True)
    (root / "callee" / "index.py").write_text(CALLEE, encoding="utf-8")
    async with run_emulator() as emulator:
        project = await Project.open(root, emulator=emulator, runner_environ=emulator_environ(emulator))
        try:
            async with cloudfn.init(
                base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, transport=transport
            ) as cloud:
                answer = await cloud.callFunction({"name": "callee", "data": {"n": 1}})
                assert list(answer) == ["result", "errMsg", "requestID"]
                assert answer["errMsg"] == "callFunction:ok" and answer["requestID"]
                # Called from outside any function: the chain is just the SDK's own tag.
                assert answer["result"] == {"got": {"n": 1}, "ctx": {"SOURCE": "scf", "ENV": "local"}}

                with pytest.raises(FunctionCallError) as caught:
                    await cloud.callFunction({"name": "callee", "data": {"boom": True}})
                error = caught.value.to_json()
                assert list(error) == ["code", "requestId", "errCode", "errMsg"]
                assert error["code"] == "FUNCTIONS_EXECUTE_FAIL" and error["errCode"] == -1
                assert error["errMsg"] == "callFunction:fail RuntimeError: boom"
                assert caught.value.message == error["errMsg"]

                with pytest.raises(FunctionCallError) as caught:
                    await cloud.callFunction({"name": "ghost"})
                assert caught.value.errMsg.startswith("callFunction:fail [ResourceNotFound.Function]")
                assert "no function 'ghost' in this project; its functions: callee" in caught.value.errMsg
        finally:
            await project.close()
        logged = [r for r in emulator.state.requests if r.path in ("/admin", "/tcb/invokecloudfunction")]
        assert [r.api for r in logged] == ["tcb.invokeCloudFunction"] * 3  # both wires log alike


async def test_module_level_call_function_needs_init_first() -> None:
    import cloudfn.cloud as cloud_module

    saved, cloud_module._current = cloud_module._current, None
    try:
        with pytest.raises(cloudfn.CloudSDKError, match="please call init first"):
            await cloudfn.callFunction({"name": "x"})
    finally:
        cloud_module._current = saved
    assert json.dumps(FunctionCallError("callFunction:fail x", code="C", request_id="r").to_json()) == (
        '{"code": "C", "requestId": "r", "errCode": -1, "errMsg": "callFunction:fail x"}'
    )
