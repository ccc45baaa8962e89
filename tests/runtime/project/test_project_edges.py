"""Projects built for one case each: cycles, timeouts, Node functions' clear errors, no config.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT as REPO
from tests.support.project import PROJECT, clean_environ, npm_ci, serve

PY_CALLER = """
import cloudfn

cloud = cloudfn.init()


async def main(event, context):
    return await cloud.callFunction({{"name": "{callee}", "data": event}})
"""

NODE_CALLER = """
const cloud = require('wx-server-sdk')
cloud.init({{ env: cloud.DYNAMIC_CURRENT_ENV }})
exports.main = async (event) => (await cloud.callFunction({{ name: '{callee}', data: event }})).result
"""


def function(
    root: Path, name: str, *, py: str | None = None, js: str | None = None, config: object = None
) -> Path:
    directory = root / name
    directory.mkdir(parents=True, exist_ok=True)
    if py is not None:
        (directory / "index.py").write_text(py, encoding="utf-8")
    if js is not None:
        (directory / "index.js").write_text(js, encoding="utf-8")
    if config is not None:
        (directory / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return directory


def with_node_modules(root: Path) -> Path:
    """The project shares the example's installed wx-server-sdk (require looks in parent folders)."""
    root.mkdir(parents=True)
    (root / "node_modules").symlink_to(npm_ci(PROJECT / "orders"), target_is_directory=True)
    return root


def invoke(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cloudfn", "invoke", *args],
        capture_output=True,
        text=True,
        env=env or clean_environ(),
        cwd=REPO,
        timeout=120,
    )


def test_a_cycle_of_python_calls_ends_at_the_first_callers_timeout(tmp_path: Path) -> None:
    root = tmp_path / "cloudfunctions"
    function(root, "ping", py=PY_CALLER.format(callee="pong"), config={"timeout": 2})
    function(root, "pong", py=PY_CALLER.format(callee="ping"), config={"timeout": 2})
    for served in serve(root, tmp_path / "serve.log"):
        status, body = served.post("/ping", {})
        assert status == 504
        message = body["errorMessage"]
        assert message.startswith("Invoking task timed out after 2 seconds")
        assert "call chain ping -> pong -> ping" in message and "a cycle of calls" in message
        # The server is fine afterwards.
        assert served.get("/healthz")["status"] == "ok"


def test_a_cycle_through_node_and_python_ends_too(tmp_path: Path) -> None:
    root = with_node_modules(tmp_path / "cloudfunctions")
    function(root, "tick", js=NODE_CALLER.format(callee="tock"), config={"timeout": 3})
    function(root, "tock", py=PY_CALLER.format(callee="tick"), config={"timeout": 3})
    for served in serve(root, tmp_path / "serve.log"):
        status, body = served.post("/tick", {})
        assert status == 504
        assert "call chain tick -> tock -> tick" in body["errorMessage"]
        status, body = served.post("/tock", {})
        assert status == 504 and "a cycle of calls" in body["errorMessage"]


def test_a_callee_gets_its_own_timeout(tmp_path: Path) -> None:
    root = tmp_path / "cloudfunctions"
    function(root, "caller", py=PY_CALLER.format(callee="slow"), config={"timeout": 10})
    function(
        root,
        "slow",
        py="import asyncio\n\nasync def main(event, context):\n    await asyncio.sleep(5)\n",
        config={"timeout": 1},
    )
    completed = invoke(str(root), "--function", "caller")
    assert completed.returncode == 1, completed.stderr
    assert "callFunction:fail Invoking task timed out after 1 seconds" in completed.stderr


def test_a_node_function_alone_is_invoked_and_served(tmp_path: Path) -> None:
    root = with_node_modules(tmp_path / "cloudfunctions")
    directory = function(
        root,
        "hello",
        js=(
            "const cloud = require('wx-server-sdk')\n"
            "cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })\n"
            "exports.main = async (event) => ({ hi: event.name, ctx: cloud.getWXContext() })\n"
        ),
    )
    completed = invoke(str(directory), "--event", '{"name": "Ada"}', "--openid", "o1")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "hi": "Ada",
        "ctx": {"OPENID": "o1", "APPID": "wx0123456789abcdef", "SOURCE": "wx_client", "ENV": "local"},
    }
    for served in serve(directory, tmp_path / "serve.log"):
        assert served.get("/healthz")["functions"] == [{"name": "hello", "language": "node"}]
        assert served.post("/", {"name": "Bo"}, {"x-wx-openid": "o2"})[1]["ctx"]["OPENID"] == "o2"
        assert served.post("/hello", {"name": "Cy"})[1]["hi"] == "Cy"


def test_a_node_function_without_config_json_gets_the_platforms_refusal(tmp_path: Path) -> None:
    root = with_node_modules(tmp_path / "cloudfunctions")
    directory = function(
        root,
        "bare",
        js=(
            "const cloud = require('wx-server-sdk')\n"
            "cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })\n"
            "exports.main = async () => {\n"
            "  try { return await cloud.openapi.logistics.getPrinter({}) } catch (err) { return err }\n"
            "}\n"
        ),
    )
    completed = invoke(str(directory))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"errCode": -604101, "errMsg": "system error: error code: -604101"}


def test_node_functions_fail_clearly(tmp_path: Path) -> None:
    bare = function(tmp_path / "nomods", "f", js="exports.main = async () => 1\n")
    completed = invoke(str(bare))
    assert completed.returncode == 2
    assert f"{bare}/node_modules: missing" in completed.stderr and f"Fix: run `npm ci` in {bare}" in (
        completed.stderr
    )

    root = with_node_modules(tmp_path / "cloudfunctions")
    no_main = function(root, "nomain", js="exports.handler = async () => 1\n")
    completed = invoke(str(no_main))
    assert completed.returncode == 2
    assert "the Node function has no exports.main. Fix: export it" in completed.stderr

    no_node = {**clean_environ(), "PATH": str(Path(sys.executable).parent)}
    completed = invoke(str(root / "nomain"), env=no_node)
    assert completed.returncode == 2
    assert "node: not found on PATH. Fix: install Node.js" in completed.stderr


def test_invoke_a_project_needs_a_function_name(tmp_path: Path) -> None:
    completed = invoke(str(PROJECT))
    assert completed.returncode == 2
    assert (
        "is a project (desk, greeting, orders, pricing, qrcode). Fix: add --function NAME" in completed.stderr
    )
    completed = invoke(str(PROJECT), "--function", "nope")
    assert completed.returncode == 2
    assert "--function: no function 'nope'" in completed.stderr
    completed = invoke(str(PROJECT), "--function", "pricing", "--event", '{"items": ["apple"]}')
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"total": 300, "source": "wx_client"}
    assert os.path.isdir(PROJECT / "orders" / "node_modules")


def check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cloudfn", "check", str(directory)],
        capture_output=True,
        text=True,
        env=clean_environ(),
        cwd=REPO,
        timeout=60,
    )


def test_check_explains_a_missing_config_json_and_checks_node_functions(tmp_path: Path) -> None:
    completed = check(PROJECT / "greeting")
    assert completed.returncode == 0, completed.stdout
    assert "config.json: none" in completed.stdout
    assert "every cloud call (cloud.openapi...) is refused with -604101" in completed.stdout

    completed = check(PROJECT / "orders")
    assert completed.returncode == 0, completed.stdout
    assert "language: node" in completed.stdout

    bare = function(tmp_path / "nomods", "f", js="exports.handler = async () => 1\n")
    completed = check(bare)
    assert completed.returncode == 1
    assert "node_modules: missing" in completed.stdout and "no exports.main" in completed.stdout
