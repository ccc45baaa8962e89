"""getWXContext(): the Node SDK's reading rules, and the per-invocation overlay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import cloudfn
from cloudfn.runtime.context import context_environ, getWXContext, wx_context_scope
from cloudfn.runtime.invoke import invoke
from cloudfn.runtime.loader import load_function
from tests.support.runtime import write_function

PLATFORM_KEYS = ",".join(
    [
        *("WX_OPENID", "WX_APPID", "WX_UNIONID", "WX_CLIENTIP"),
        *("WX_API_TOKEN", "API_TOKEN", "TRIGGER_API_TOKEN_V0", "WX_TRIGGER_API_TOKEN_V0"),
        *("WX_COUNT", "WX_NEG", "WX_MISSING", "CUSTOM"),
    ]
)


@pytest.fixture
def platform_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment the platform gives a function process, as the Node SDK reads it."""
    for name in ("TCB_ENV", "SCF_NAMESPACE", "TCB_SOURCE", "WX_MISSING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WX_CONTEXT_KEYS", PLATFORM_KEYS)
    values = {
        "WX_OPENID": "oUser",
        "WX_APPID": "wxapp",
        "WX_UNIONID": "",
        "WX_CLIENTIP": "10.0.0.8",
        "WX_API_TOKEN": "t1",
        "API_TOKEN": "t2",
        "TRIGGER_API_TOKEN_V0": "t3",
        "WX_TRIGGER_API_TOKEN_V0": "t4",
        "WX_COUNT": "0042",
        "WX_NEG": "-7",
        "CUSTOM": "12a",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_node_reading_rules(platform_env: pytest.MonkeyPatch) -> None:
    assert getWXContext() == {
        "OPENID": "oUser",
        "APPID": "wxapp",
        "UNIONID": "",
        "CLIENTIP": "10.0.0.8",
        "COUNT": 42,
        "NEG": -7,
        "CUSTOM": "12a",
    }
    assert cloudfn.get_wx_context is cloudfn.getWXContext


def test_env_and_source(platform_env: pytest.MonkeyPatch) -> None:
    platform_env.setenv("SCF_NAMESPACE", "ns-1")
    assert getWXContext()["ENV"] == "ns-1"
    platform_env.setenv("TCB_ENV", "env-1")
    platform_env.setenv("TCB_SOURCE", "wx_client,scf")
    context = getWXContext()
    assert context["ENV"] == "env-1" and context["SOURCE"] == "wx_client,scf"
    assert list(context)[-2:] == ["ENV", "SOURCE"]


def test_no_context_keys_means_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WX_CONTEXT_KEYS", raising=False)
    monkeypatch.setenv("WX_OPENID", "oUser")
    monkeypatch.setenv("TCB_ENV", "env-1")
    assert getWXContext() == {}


def test_invocation_context_replaces_the_process_wx_variables(platform_env: pytest.MonkeyPatch) -> None:
    platform_env.setenv("TCB_ENV", "process-env")
    with wx_context_scope({"OPENID": "oInvocation", "SOURCE": "wx_http"}):
        assert getWXContext() == {"OPENID": "oInvocation", "ENV": "process-env", "SOURCE": "wx_http"}
    assert getWXContext()["OPENID"] == "oUser"


async def test_the_runners_tcb_env_reaches_getwxcontext(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TCB_ENV", raising=False)
    monkeypatch.delenv("SCF_NAMESPACE", raising=False)
    directory = write_function(
        tmp_path,
        "env_probe",
        """
        import os
        import cloudfn

        async def main(event, context):
            return {"context": cloudfn.getWXContext(), "processHasIt": "TCB_ENV" in os.environ}
        """,
    )
    function = load_function(directory, runner_environ={"TCB_ENV": "from-runner"})
    result = await invoke(function, {}, wx_context={"OPENID": "o1"})
    assert result.result == {"context": {"OPENID": "o1", "ENV": "from-runner"}, "processHasIt": False}
    # The invocation's own ENV wins over the runner's.
    result = await invoke(function, {}, wx_context={"OPENID": "o1", "ENV": "from-invocation"})
    assert result.result["context"]["ENV"] == "from-invocation"
    assert "TCB_ENV" not in os.environ


def test_context_environ_shape() -> None:
    variables = context_environ({"OPENID": "o1", "ENV": "e", "SOURCE": "s", "UNIONID": None, "appid": "wx"})
    assert variables["WX_OPENID"] == "o1" and variables["WX_APPID"] == "wx"
    assert variables["TCB_ENV"] == "e" and variables["TCB_SOURCE"] == "s"
    assert "WX_UNIONID" not in variables
    assert variables["WX_CONTEXT_KEYS"].split(",")[:2] == ["WX_OPENID", "WX_APPID"]
    with pytest.raises(ValueError, match=r"wx_context: key 'open id' is not a name"):
        context_environ({"open id": "x"})


def test_dynamic_current_env_exists() -> None:
    assert cloudfn.DYNAMIC_CURRENT_ENV == "DYNAMIC_CURRENT_ENV"


def test_edge_cases_follow_the_node_code(monkeypatch: pytest.MonkeyPatch) -> None:
    # wx-server-sdk 4.0.2 getWXContext: a bare "WX_" keeps its name; `TCB_ENV || SCF_NAMESPACE`.
    monkeypatch.delenv("TCB_SOURCE", raising=False)
    monkeypatch.setenv("WX_CONTEXT_KEYS", "WX_,,WX_OPENID")
    monkeypatch.setenv("WX_", "bare")
    monkeypatch.setenv("WX_OPENID", "o1")
    monkeypatch.setenv("TCB_ENV", "")
    monkeypatch.setenv("SCF_NAMESPACE", "")
    assert getWXContext() == {"WX_": "bare", "OPENID": "o1", "ENV": ""}
    monkeypatch.delenv("SCF_NAMESPACE")
    assert "ENV" not in getWXContext()
