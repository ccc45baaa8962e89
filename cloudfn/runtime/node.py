"""Node cloud functions, run unmodified by real ``node`` with their own ``node_modules``.

A :class:`NodeProcess` is one ``node`` running ``harness.js``: it loads the
function once and runs the invocations it is sent over a pipe, one at a
time (the WX context lives in ``process.env``, so one process must never run
two invocations at once). A :class:`NodeRunner` keeps a pool of them, so
concurrent and nested invocations (A calls B calls A) each get a process of
their own instead of waiting on each other. A hung invocation costs a kill
and a restart, never the runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .context import context_environ

HARNESS = Path(__file__).with_name("harness.js")
ENTRY_FILE = "index.js"
MARK = b"\x1eCLOUDFN "
STARTUP_TIMEOUT_S = 30.0
# Concurrent invocations of one Node function (each its own process); more wait for a free one.
MAX_PROCESSES = 8
_KEPT_OUTPUT_LINES = 40


class NodeSetupError(Exception):
    """A Node function that cannot start (no node, no node_modules, no exports.main); says the fix."""


@dataclass(frozen=True)
class NodeOutcome:
    """One invocation's end on the Node side: its result as JSON text, or why there is none."""

    kind: str  # "result" | "threw" | "timeout" | "crashed"
    json: str | None = None
    message: str = ""
    error_type: str | None = None
    thrown: str = ""  # what was thrown, as parity compares it: {"errCode","errMsg"} or "Name: message"


def find_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise NodeSetupError(
            "node: not found on PATH. Fix: install Node.js (>= 16) and make `node` callable, then run again"
        )
    return node


def has_node_modules(directory: Path) -> bool:
    """``node_modules`` in the directory or above it, where ``require`` looks."""
    return any((folder / "node_modules").is_dir() for folder in (directory, *directory.parents))


def check_node_dir(directory: Path) -> None:
    if not directory.is_dir():
        raise NodeSetupError(f"{directory}: no such directory. Fix: pass the Node function's directory")
    if not (directory / ENTRY_FILE).is_file():
        raise NodeSetupError(
            f"{directory}/{ENTRY_FILE}: no such file. Fix: pass a Node function's directory "
            "(index.js exporting main)"
        )
    if not has_node_modules(directory):
        raise NodeSetupError(
            f"{directory}/node_modules: missing, so wx-server-sdk cannot load. "
            f"Fix: run `npm ci` in {directory} (it installs the versions package-lock.json pins)"
        )


def node_platform_environ(admin_url: str | None, grant: Mapping[str, Any] | None, env: str) -> dict[str, str]:
    """What the platform sets for a Node function, its /admin channel pointed at ``admin_url``."""
    values = {
        "TCB_ENV": env,
        "SCF_NAMESPACE": env,
        # As in a real cloud function: the SDK then skips probing Tencent Cloud's metadata server.
        "TENCENTCLOUD_RUNENV": "SCF",
        # The platform lists its per-invocation variables here; the SDK reads TCB_SOURCE
        # through it to send the call chain (X-TCB-Source) with callFunction.
        "TCB_CONTEXT_KEYS": "TCB_ENV,TCB_SEQID,TCB_SOURCE",
    }
    if admin_url:
        values["TCB_CONTEXT_CNFG"] = json.dumps({"URL": admin_url})
    if grant is not None:
        values["TENCENTCLOUD_SECRETID"] = str(grant["secret_id"])
        values["TENCENTCLOUD_SECRETKEY"] = str(grant["secret_key"])
    return values


class NodeProcess:
    """A running ``node`` harness for one function directory, one invocation at a time."""

    def __init__(self, directory: Path, env: Mapping[str, str]) -> None:
        self.directory = directory
        self.env = dict(env)
        self.output: list[str] = []  # the function's own console output, last lines
        self._process: asyncio.subprocess.Process | None = None
        self._answers: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self._readers: list[asyncio.Task[None]] = []
        self._next_id = 0

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

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
            raise NodeSetupError(
                f"{self.directory}: node did not load the function within {STARTUP_TIMEOUT_S:g}s. "
                "Fix: check that index.js does not block at load time"
            ) from None
        if first is None or first.get("type") != "ready":
            await self.close()
            raise NodeSetupError(self._startup_failure(first))

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
        """Run one invocation; the WX context reaches ``getWXContext()`` as the platform passes it."""
        if not self.running:
            await self.close()
            await self.start()
        assert self._process is not None and self._process.stdin is not None
        self._next_id += 1
        message = {
            "id": self._next_id,
            "event": event,
            "environ": context_environ(wx_context or {}),
            "context": context,
        }
        self._process.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        try:
            await self._process.stdin.drain()
            async with asyncio.timeout(limit):
                answer = await self._answers.get()
        except TimeoutError:
            await self.close()  # a hung function: kill it; the next invocation starts a fresh node
            return NodeOutcome("timeout", message=f"no answer within {limit:g}s (node was restarted)")
        except ConnectionError:
            answer = None
        if answer is None:
            tail = "\n".join(self.output[-10:])
            await self.close()
            return NodeOutcome("crashed", message=f"node exited during the invocation:\n{tail}")
        if answer["type"] == "threw":
            return NodeOutcome(
                "threw",
                message=str(answer.get("message", "")),
                error_type=answer.get("errorType"),
                thrown=str(answer.get("thrown", "")),
            )
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


# The name parity has always used for one harness process.
NodeFunction = NodeProcess


class NodeRunner:
    """A Node function ready to invoke: a pool of :class:`NodeProcess`, one per running invocation."""

    def __init__(
        self,
        directory: Path,
        env: Mapping[str, str] | Callable[[], Mapping[str, str]],
        *,
        max_processes: int = MAX_PROCESSES,
    ) -> None:
        self.directory = directory
        # A callable gives each process its own environment (e.g. its own SecretId,
        # which tells the emulator which process, hence which invocation, is calling).
        fixed = dict(env) if isinstance(env, Mapping) else {}
        self._env: Callable[[], Mapping[str, str]] = env if callable(env) else (lambda: fixed)
        self.max_processes = max_processes
        # The tag of the invocation each busy process runs, by the process's SecretId.
        self.busy: dict[str, str] = {}
        self._idle: list[NodeProcess] = []
        self._count = 0
        self._freed = asyncio.Condition()

    async def start(self) -> None:
        """Start one process now, so a function that cannot load fails here, with its fix."""
        process = NodeProcess(self.directory, self._env())
        await process.start()
        self._count += 1
        self._idle.append(process)

    async def _acquire(self) -> NodeProcess:
        async with self._freed:
            while not self._idle and self._count >= self.max_processes:
                await self._freed.wait()
            if self._idle:
                return self._idle.pop()
            self._count += 1
        process = NodeProcess(self.directory, self._env())
        try:
            await process.start()
        except BaseException:
            await self._release(None)
            raise
        return process

    async def _release(self, process: NodeProcess | None) -> None:
        async with self._freed:
            if process is not None and process.running:
                self._idle.append(process)
            else:
                self._count -= 1
                if process is not None:
                    await process.close()
            self._freed.notify()

    async def invoke(
        self,
        event: Any,
        *,
        wx_context: Mapping[str, Any] | None,
        context: Mapping[str, Any],
        limit: float,
        tag: str | None = None,
    ) -> NodeOutcome:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        try:
            async with asyncio.timeout(limit):
                process = await self._acquire()
        except TimeoutError:
            return NodeOutcome(
                "timeout",
                message=f"no free node process within {limit:g}s ({self.max_processes} busy: "
                "calls that wait on each other, or a cycle)",
            )
        finished = False
        secret_id = process.env.get("TENCENTCLOUD_SECRETID", "")
        if tag is not None and secret_id:
            self.busy[secret_id] = tag
        try:
            remaining = max(0.001, deadline - loop.time())
            outcome = await process.call(event, wx_context=wx_context, context=context, limit=remaining)
            finished = True
            return outcome
        finally:
            self.busy.pop(secret_id, None)
            if not finished:
                # Cancelled mid-invocation (the caller gave up): the process may still
                # answer this event later, so it must not serve another one.
                await asyncio.shield(process.close())
            await asyncio.shield(self._release(process))

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for process in idle:
            await process.close()
        self._count = 0


__all__ = [
    "ENTRY_FILE",
    "MAX_PROCESSES",
    "NodeFunction",
    "NodeOutcome",
    "NodeProcess",
    "NodeRunner",
    "NodeSetupError",
    "check_node_dir",
    "find_node",
    "node_platform_environ",
]
