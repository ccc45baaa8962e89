"""getWXContext() against the real wx-server-sdk 4.0.2 (real node): the same environment, the same text."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cloudfn.runtime.context import context_environ
from tests.support.node import ensure_node_modules

NODE_SCRIPT = "process.stdout.write(JSON.stringify(require(process.argv[1]).getWXContext()))"
PYTHON_SCRIPT = (
    "import json, sys, cloudfn\n"
    "sys.stdout.write(json.dumps(cloudfn.getWXContext(), ensure_ascii=False, separators=(',', ':')))"
)
CLEARED = ("WX_", "TCB_", "SCF_", "API_TOKEN", "TRIGGER_API_TOKEN_V0")

CASES = {
    "platform keys": {
        "WX_CONTEXT_KEYS": "WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6",
        "WX_OPENID": "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw",
        "WX_APPID": "wx0123456789abcdef",
        "WX_CLIENTIP": "10.0.0.8",
        "TCB_ENV": "prod-1a2b",
        "TCB_SOURCE": "wx_client,scf",
    },
    "numbers, tokens, names": {
        "WX_CONTEXT_KEYS": "WX_N,WX_NEG,WX_ZERO,WX_NOT,WX_API_TOKEN,API_TOKEN,WX_TRIGGER_API_TOKEN_V0,CUSTOM,WX_,,WX_名",
        "WX_N": "0042",
        "WX_NEG": "-7",
        "WX_ZERO": "-0",
        "WX_NOT": "12a",
        "WX_API_TOKEN": "secret-1",
        "API_TOKEN": "secret-2",
        "WX_TRIGGER_API_TOKEN_V0": "secret-3",
        "CUSTOM": "值",
        "WX_": "bare",
        "WX_名": "x",
        "SCF_NAMESPACE": "ns-only",
    },
    "integers past 2**53": {
        "WX_CONTEXT_KEYS": "WX_BIG,WX_NEGBIG,WX_EDGE",
        "WX_BIG": "12345678901234567890",
        "WX_NEGBIG": "-98765432109876543210",
        "WX_EDGE": "9007199254740993",
    },
    "empty env values": {"WX_CONTEXT_KEYS": "WX_OPENID", "WX_OPENID": "", "TCB_ENV": "", "SCF_NAMESPACE": ""},
    "no env at all": {"WX_CONTEXT_KEYS": "WX_OPENID", "WX_OPENID": "o1"},
    "no keys": {"WX_OPENID": "o1", "TCB_ENV": "e"},
    "what the runner sets": context_environ(
        {"OPENID": "o2", "APPID": "wxA", "CLIENTIP": "1.2.3.4", "SOURCE": "wx_http", "ENV": "local"}
    ),
}


def _environment(variables: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
    return {**base, **variables}


@pytest.mark.parametrize("variables", CASES.values(), ids=CASES.keys())
def test_same_context_as_the_node_sdk(variables: dict[str, str]) -> None:
    sdk = ensure_node_modules() / "wx-server-sdk"
    env = _environment(variables)
    node = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(sdk)], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    python = subprocess.run(
        [sys.executable, "-c", PYTHON_SCRIPT], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert python.stdout == node.stdout
    assert "secret" not in python.stdout
    json.loads(python.stdout)  # well-formed either way
