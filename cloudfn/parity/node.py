"""The Node original, run by real ``node`` with its own ``node_modules``.

One ``node`` process per function reads events over a pipe (see harness.js);
a hung event costs a kill and a restart, not the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).with_name("harness.js")
MARK = b"\x1eCLOUDFN "
STARTUP_TIMEOUT_S = 30.0
_KEPT_OUTPUT_LINES = 40


class ParityError(Exception):
    """A problem that stops the whole run (bad input, missing tool); the message says the fix."""


@dataclass(frozen=True)
class NodeOutcome:
    """One event's end on the Node side: its result as JSON text, or why there is none."""

    kind: str  # "result" | "threw" | "timeout" | "crashed"
    json: str | None = None
    message: str = ""


def find_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ParityError(
            "node: not found on PATH. Fix: install Node.js (>= 16) and make `node` callable, then run again"
        )
    return node


def check_node_dir(directory: Path) -> None:
    if not directory.is_dir():
        raise ParityError(f"{directory}: no such directory. Fix: pass the Node function's directory")
    if not (directory / "node_modules").is_dir():
        raise ParityError(
            f"{directory}/node_modules: missing, so wx-server-sdk cannot load. "
            f"Fix: run `npm ci` in {directory} (it installs the versions package-lock.json pins)"
        )


class NodeFunction:
    """A running ``node`` harness for one function directory."""

    def __init__(self, directory: Path, env: Mapping[str, str]) -> None:
        self.directory = directory
        self.env = dict(env)
        self.output: list[str] = []  # the function's own console output, last lines
        self._process: asyncio.subprocess.Process | None = None
        self._answers: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._readers: list[asyncio.Task[None]] = []
        self._next_id = 0

    async def start(self) -> None:
        check_node_dir(self.directory)
        self._answers = asyncio.Queue()
        self._process = await asyncio.create_subprocess_exec(
            find_node(),
            str(HARNESS),
            str(self.directory),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **self.env},
            cwd=str(self.directory),
        )
        assert self._process.stdout is not None and self._process.stderr is not None
        self._readers = [
            asyncio.create_task(self._read(self._process.stdout, answers=True)),
            asyncio.create_task(self._read(self._process.stderr, answers=False)),
        ]
        try:
            async with asyncio.timeout(STARTUP_TIMEOUT_S):
                first = await self._answers.get()
        except TimeoutError:
            await self.close()
            raise ParityError(
                f"{self.directory}: node did not load the function within {STARTUP_TIMEOUT_S:g}s. "
                "Fix: check that index.js does not block at load time"
            ) from None
        if first is None or first.get("type") != "ready":
            await self.close()
            raise ParityError(self._startup_failure(first))

    def _startup_failure(self, message: Mapping[str, Any] | None) -> str:
        where = self.directory
        if message is None:
            tail = "\n".join(self.output[-10:])
            return f"{where}: node exited while loading the function:\n{tail}"
        kind, text = message.get("kind"), str(message.get("message", ""))
        if kind == "no_main":
            return (
                f"{where}: the Node function has no exports.main. "
                "Fix: export it, e.g. `exports.main = async (event, context) => { ... }`"
            )
        if kind == "module_not_found":
            first_line = text.splitlines()[0] if text else ""
            return f"{where}: {first_line}. Fix: run `npm ci` in {where}"
        return f"{where}: loading the Node function failed:\n{text}"

    async def _read(self, stream: asyncio.StreamReader, *, answers: bool) -> None:
        while line := await stream.readline():
            if answers and line.startswith(MARK):
                self._answers.put_nowait(json.loads(line[len(MARK) :]))
                continue
            self.output.append(line.decode("utf-8", errors="replace").rstrip("\n"))
            del self.output[:-_KEPT_OUTPUT_LINES]
        if answers:
            self._answers.put_nowait(None)  # the process is gone

    async def call(
        self,
        event: Any,
        *,
        wx_context: Mapping[str, Any] | None,
        context: Mapping[str, Any],
        limit: float,
    ) -> NodeOutcome:
        if self._process is None or self._process.returncode is not None:
            await self.close()
            await self.start()
        assert self._process is not None and self._process.stdin is not None
        self._next_id += 1
        message = {"id": self._next_id, "event": event, "wxContext": wx_context or {}, "context": context}
        self._process.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        try:
            await self._process.stdin.drain()
            async with asyncio.timeout(limit):
                answer = await self._answers.get()
        except TimeoutError:
            await self.close()  # a hung function: kill it; the next event starts a fresh node
            return NodeOutcome("timeout", message=f"no answer within {limit:g}s (node was restarted)")
        except ConnectionError:
            answer = None
        if answer is None:
            tail = "\n".join(self.output[-10:])
            await self.close()
            return NodeOutcome("crashed", message=f"node exited during the event:\n{tail}")
        if answer["type"] == "threw":
            return NodeOutcome("threw", message=str(answer.get("message", "")))
        return NodeOutcome("result", json=str(answer["json"]))

    async def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        for task in self._readers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._readers = []
