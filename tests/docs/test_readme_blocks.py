"""The README's code blocks, run as a user who copies them would run them.

Blocks that need a fixed port (8080) get a free one instead; nothing else is changed.
The pytest example has its own test (test_plugin.py), the Quick start's test command and the
parity command are what CI runs.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import subprocess
import sys
from typing import Any

import pytest

from tests.support.paths import README, ROOT, SEED_DIR
from tests.support.ports import free_port, wait_for_port
from tests.support.runtime import clean_environ, run_cli

README_TEXT = README.read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README_TEXT, re.DOTALL | re.MULTILINE)


def _block_after(heading: str, language: str) -> str:
    """The first ```language block after ``heading`` (a line of the README)."""
    start = README_TEXT.index(f"\n{heading}\n")
    match = re.search(rf"^```{language}\n(.*?)^```", README_TEXT[start:], re.DOTALL | re.MULTILINE)
    assert match is not None, f"no ```{language} block after {heading!r}"
    return match.group(1)


async def _run_top_level(source: str, namespace: dict[str, Any]) -> None:
    """Run a block with top-level ``await``/``async with``, as in an asyncio REPL."""
    code = compile(source, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    outcome = eval(code, namespace)
    if outcome is not None:
        await outcome


def test_the_porting_example_is_the_seed_example() -> None:
    """The side-by-side port in the README is the example's code, line for line."""
    [node] = _blocks("js")
    python = _block_after("</td><td>", "python")
    assert node == (SEED_DIR / "index.js").read_text(encoding="utf-8").split("\n", 1)[1]
    # index.py opens with a one-line docstring and a blank line the README leaves out.
    assert python == (SEED_DIR / "index.py").read_text(encoding="utf-8").split("\n", 2)[2]


def test_quick_start_prints_what_the_readme_shows() -> None:
    command = _block_after("## Quick start", "bash").strip()
    assert command == "pip install . && cloudfn invoke examples/update_printer"
    shown = _block_after("## Quick start", "json")

    done = run_cli("invoke", "examples/update_printer")

    assert done.returncode == 0, done.stderr
    assert done.stdout == shown


def test_running_commands_work_as_shown() -> None:
    lines = _block_after("## Running and serving functions", "bash").splitlines()
    invoke_line = next(line for line in lines if line.startswith("cloudfn invoke"))
    check_line = next(line for line in lines if line.startswith("cloudfn check"))
    outputs = []
    for line in (invoke_line, check_line):
        done = run_cli(*shlex.split(line, comments=True)[1:])
        assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
        outputs.append(done.stdout)
    assert json.loads(outputs[0]) == {"errMsg": "openapi.logistics.updatePrinter:ok", "errCode": 0}


async def test_calling_wechat_from_python_against_the_documented_emulator() -> None:
    """The emulator command of "The emulator", then the first Python block, as a user runs them."""
    port = free_port()
    command = shlex.split(_block_after("## The emulator", "bash"), comments=True)
    assert command[0] == "cloudfn" and "--port" in command
    command[command.index("--port") + 1] = str(port)
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        env=clean_environ(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await wait_for_port(port, server)
        block = _block_after("## Calling WeChat from Python", "python")
        assert 'base_url="http://127.0.0.1:8080"' in block
        namespace: dict[str, Any] = {}
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(ROOT)  # config="config.json" is the repository's
            await _run_top_level(block.replace(":8080", f":{port}"), namespace)
        expected = json.loads(block.rstrip().splitlines()[-1].strip().removeprefix("# "))
        assert namespace["result"] == expected
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_the_in_process_emulator_block_runs() -> None:
    block = _block_after("In-process, for tests and tools:", "python")
    namespace: dict[str, Any] = {}
    await _run_top_level(block, namespace)
    assert namespace["emulator"].base_url.startswith("http://127.0.0.1:")
