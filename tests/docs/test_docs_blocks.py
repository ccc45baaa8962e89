"""Code blocks of docs/, run as a user who copies them would run them (a free port for 8080)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from tests.support.paths import ROOT
from tests.support.ports import free_port, wait_for_port
from tests.support.runtime import clean_environ

PRODUCTION = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")


def _block_after(text: str, line: str, language: str) -> str:
    start = text.index(f"\n{line}\n")
    match = re.search(rf"^```{language}\n(.*?)^```", text[start:], re.DOTALL | re.MULTILINE)
    assert match is not None, f"no ```{language} block after {line!r}"
    return match.group(1)


@pytest.fixture
async def emulator_port() -> AsyncIterator[int]:
    """`cloudfn emulator` as the docs start it, on a free port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cloudfn", "emulator", "--port", str(port)],
        cwd=ROOT,
        env=clean_environ(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await wait_for_port(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the block is curl commands; curl is not installed")
def test_the_runtime_fault_commands_work_as_shown(emulator_port: int) -> None:
    block = _block_after(PRODUCTION, "At runtime, under the control prefix:", "sh")
    commands = [shlex.split(c, comments=True) for c in block.replace("\\\n", " ").splitlines() if c.strip()]
    assert [c[0] for c in commands] == ["curl", "curl", "curl"]
    answers = []
    for command in commands:
        args = [a.replace("localhost:8080", f"127.0.0.1:{emulator_port}") for a in command]
        done = subprocess.run(
            [*args, "-s", "-w", "\n%{http_code}"], capture_output=True, text=True, timeout=30
        )
        body, _, status = done.stdout.rpartition("\n")
        assert done.returncode == 0 and status == "200", f"{shlex.join(command)} -> {status} {body}"
        answers.append(json.loads(body))
    added, listed, removed = answers
    assert [rule["api"] for rule in listed["rules"]] == ["stable_token"]
    assert added and removed is not None
