"""A ``cloudfunctions/`` project: every function of a folder, Python or Node, invoked by name.

A directory holding ``index.py`` or ``index.js`` is one function; any other
directory is a project whose sub-directories holding one are its functions
(``index.py`` wins when both exist: the port beside its original). Each
function keeps its own ``config.json`` (or none). With an emulator, the
project is attached to it, so ``callFunction`` from any function (Python
through cloudfn's client, Node through the unmodified SDK's ``/admin`` call)
reaches any other, whatever the language. A callee gets its own timeout,
capped by what is left of its caller's, so nested calls finish together and
a cycle of calls ends when the first caller's time is up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..config import FunctionConfig
from ..emulator.functions import (
    FUNCTION_FAILED,
    FUNCTION_NOT_FOUND,
    Caller,
    CallOutcome,
    not_found_message,
)
from ..invocation_id import CURRENT_INVOCATION
from .invoke import (
    FUNCTION_ERROR_CODE,
    FUNCTION_TIMEOUT_CODE,
    FUNCTION_TIMEOUT_S,
    InvocationContext,
    InvocationResult,
    invoke,
)
from .loader import (
    DEFAULT_LOAD_TIMEOUT_S,
    CloudFunction,
    FunctionLoadError,
    load_config,
    load_function_in_time,
)
from .node import ENTRY_FILE as NODE_ENTRY
from .node import NodeRunner, NodeSetupError, check_node_dir, find_node, node_platform_environ

if TYPE_CHECKING:
    from ..emulator.server import RunningEmulator

PYTHON = "python"
NODE = "node"
PYTHON_ENTRY = "index.py"


class ProjectError(Exception):
    """A project (or one of its functions) that cannot be served; the message says the fix."""


@dataclass(frozen=True)
class FunctionSource:
    name: str
    directory: Path
    language: str


def language_of(directory: Path) -> str | None:
    if (directory / PYTHON_ENTRY).is_file():
        return PYTHON
    if (directory / NODE_ENTRY).is_file():
        return NODE
    return None


def discover(directory: str | Path) -> tuple[list[FunctionSource], bool]:
    """The functions under ``directory`` and whether it is itself one function."""
    path = Path(directory)
    if not path.is_dir():
        what = "is a file, not a directory" if path.exists() else "no such directory"
        raise ProjectError(
            f"{path}: {what}. Fix: give a function's directory (index.py or index.js) "
            "or a project's (a folder of function folders, e.g. cloudfunctions/)"
        )
    path = path.resolve()
    language = language_of(path)
    if language is not None:
        return [FunctionSource(path.name, path, language)], True
    found = [
        FunctionSource(child.name, child, child_language)
        for child in sorted(path.iterdir())
        if child.is_dir() and (child_language := language_of(child)) is not None
    ]
    if not found:
        raise ProjectError(
            f"{path}: neither a function (no index.py or index.js) nor a project (no sub-folder has one). "
            "Fix: give a function's directory or a cloudfunctions/ folder"
        )
    return found, False


class ProjectFunction(Protocol):
    name: str
    language: str
    config: FunctionConfig

    async def invoke(
        self, event: Any, *, wx_context: Mapping[str, Any] | None, limit: float, request_id: str
    ) -> InvocationResult: ...

    async def close(self) -> None: ...


class PythonProjectFunction:
    language = PYTHON

    def __init__(self, function: CloudFunction) -> None:
        self.function = function
        self.name = function.name
        self.config = function.config

    async def invoke(
        self, event: Any, *, wx_context: Mapping[str, Any] | None, limit: float, request_id: str
    ) -> InvocationResult:
        token = CURRENT_INVOCATION.set(request_id)
        try:
            return await invoke(
                self.function, event, wx_context=wx_context, timeout=limit, request_id=request_id
            )
        finally:
            CURRENT_INVOCATION.reset(token)

    async def close(self) -> None:
        await self.function.close()


class NodeProjectFunction:
    language = NODE

    def __init__(self, source: FunctionSource, config: FunctionConfig, runner: NodeRunner) -> None:
        self.name = source.name
        self.directory = source.directory
        self.config = config
        self.runner = runner

    async def invoke(
        self, event: Any, *, wx_context: Mapping[str, Any] | None, limit: float, request_id: str
    ) -> InvocationResult:
        started = time.perf_counter()
        context = InvocationContext(
            request_id=request_id,
            function_name=self.name,
            timeout=limit,
            namespace=str((wx_context or {}).get("ENV") or "local"),
        )
        outcome = await self.runner.invoke(
            event, wx_context=wx_context, context=dict(context), limit=limit, tag=request_id
        )
        duration = time.perf_counter() - started
        if outcome.kind == "result" and outcome.json is not None:
            return InvocationResult(json.loads(outcome.json), request_id=request_id, duration=duration)
        if outcome.kind == "timeout":
            return InvocationResult(
                None,
                request_id=request_id,
                duration=duration,
                error=(
                    f"Invoking task timed out after {limit:g} seconds. Fix: make the handler finish "
                    'sooner or raise "timeout" in config.json'
                ),
                error_kind="timeout",
                error_type="TimeoutError",
                error_code=FUNCTION_TIMEOUT_CODE,
            )
        error_type = outcome.error_type or ("Crash" if outcome.kind == "crashed" else "Error")
        message = f"{error_type}: {outcome.message}" if outcome.kind == "threw" else outcome.message
        return InvocationResult(
            None,
            request_id=request_id,
            duration=duration,
            error=message,
            error_kind="raised",
            error_type=error_type,
            error_code=FUNCTION_ERROR_CODE,
        )

    async def close(self) -> None:
        await self.runner.close()


@dataclass
class _Running:
    """An invocation in progress: when it must end, and the calls that led to it."""

    deadline: float
    chain: tuple[str, ...]
    root: _Running | None = None  # the outermost invocation of the chain (None: this one)
    cycle: tuple[str, ...] | None = None  # on the root: a chain that came back to a function


class Project:
    """The loaded functions of a project (or of one function), ready to invoke by name."""

    def __init__(self, directory: Path, functions: dict[str, ProjectFunction], *, single: bool) -> None:
        self.directory = directory
        self.functions = functions
        self.single = single
        self._running: dict[str, _Running] = {}
        self._emulator: RunningEmulator | None = None
        # Where a called function not loaded yet is looked for (the folder around a single
        # function, or the project's), and how to load it: set by open().
        self._siblings: Path | None = None
        self._load_options: tuple[Mapping[str, str], str, float] = ({}, "local", DEFAULT_LOAD_TIMEOUT_S)
        self._loading = asyncio.Lock()

    @property
    def languages(self) -> dict[str, str]:
        return {name: function.language for name, function in self.functions.items()}

    @classmethod
    async def open(
        cls,
        directory: str | Path,
        *,
        emulator: RunningEmulator | None = None,
        runner_environ: Mapping[str, str] | None = None,
        only: str | None = None,
        env: str = "local",
        load_timeout: float = DEFAULT_LOAD_TIMEOUT_S,
    ) -> Project:
        """Load every function (or only the one named ``only``); attach to ``emulator`` if given."""
        sources, single = discover(directory)
        if only is not None:
            chosen = [s for s in sources if s.name == only]
            if not chosen:
                names = ", ".join(s.name for s in sources)
                raise ProjectError(
                    f"--function: no function {only!r} in {directory}. Fix: use one of {names}"
                )
            sources = chosen
        environ = dict(runner_environ or {})
        project = cls(Path(directory), {}, single=single)
        project._siblings = sources[0].directory.parent
        project._load_options = (environ, env, load_timeout)
        project._emulator = emulator
        try:
            for source in sources:
                project.functions[source.name] = await _load(source, emulator, environ, env, load_timeout)
        except BaseException:
            await project.close()
            raise
        if emulator is not None:
            emulator.state.project.attach(project.languages, project._dispatch)
        return project

    async def _find(self, name: str) -> bool:
        """Is ``name`` a function of the project? Loads a sibling folder's function on first call."""
        if name in self.functions:
            return True
        folder = self._siblings / name if self._siblings is not None and name not in ("", ".", "..") else None
        if folder is None or "/" in name or not folder.is_dir():
            return False
        language = language_of(folder)
        if language is None:
            return False
        async with self._loading:
            if name not in self.functions:
                environ, env, load_timeout = self._load_options
                source = FunctionSource(name, folder, language)
                self.functions[name] = await _load(source, self._emulator, environ, env, load_timeout)
                if self._emulator is not None:
                    self._emulator.state.project.languages = self.languages
        return True

    def timeout_of(self, name: str) -> float:
        return float(self.functions[name].config.timeout or FUNCTION_TIMEOUT_S)

    async def invoke(
        self,
        name: str,
        event: Any,
        *,
        wx_context: Mapping[str, Any] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - applied by the function's own deadline
        request_id: str | None = None,
        caller: _Running | None = None,
    ) -> InvocationResult:
        """Run function ``name`` once; never raises for what the function does."""
        function = self.functions.get(name)
        if function is None:
            raise ProjectError(
                f"{name}: no such function in {self.directory}. Fix: use one of {', '.join(self.functions)}"
            )
        limit = float(timeout if timeout is not None else self.timeout_of(name))
        now = asyncio.get_running_loop().time()
        if caller is not None:
            limit = min(limit, caller.deadline - now)
        request_id = request_id or str(uuid.uuid4())
        chain = (*(caller.chain if caller else ()), name)
        root = (caller.root or caller) if caller is not None else None
        running = self._running[request_id] = _Running(now + limit, chain, root)
        if root is not None and name in chain[:-1]:
            root.cycle = root.cycle or chain
        try:
            result = await function.invoke(event, wx_context=wx_context, limit=limit, request_id=request_id)
        finally:
            self._running.pop(request_id, None)
        cycle = (root or running).cycle
        if result.error_kind == "timeout" and cycle is not None:
            # Say why the time ran out: the calls went round in a circle.
            result = dataclasses.replace(result, error=f"{result.error} {_out_of_time(cycle)}")
        return result

    def _caller(self, caller: Caller) -> _Running | None:
        invocation = caller.invocation
        if invocation is None and caller.secret_id:
            for function in self.functions.values():
                if isinstance(function, NodeProjectFunction):
                    invocation = function.runner.busy.get(caller.secret_id) or invocation
        return self._running.get(invocation) if invocation else None

    async def _dispatch(
        self, name: str, event: Any, wx_context: Mapping[str, Any], caller: Caller
    ) -> CallOutcome:
        """A ``callFunction`` the emulator received: run the callee, answer as the platform does."""
        try:
            known = await self._find(name)
        except ProjectError as exc:
            return CallOutcome(code=FUNCTION_FAILED, message=f"{name}: cannot be loaded: {exc}")
        if not known:
            return CallOutcome(
                code=FUNCTION_NOT_FOUND, message=not_found_message(name, sorted(self.functions))
            )
        parent = self._caller(caller)
        chain = (*(parent.chain if parent else ()), name)
        if parent is not None and parent.deadline <= asyncio.get_running_loop().time():
            return CallOutcome(code=FUNCTION_FAILED, message=_out_of_time(chain))
        result = await self.invoke(name, event, wx_context=wx_context, caller=parent)
        if result.ok:
            text = json.dumps(result.result, ensure_ascii=False, separators=(",", ":"))
            return CallOutcome(result_json=text, request_id=result.request_id)
        message = (
            str(result.error) if result.error_kind == "timeout" else result.public_error or str(result.error)
        )
        return CallOutcome(code=FUNCTION_FAILED, message=message, request_id=result.request_id)

    async def close(self) -> None:
        if self._emulator is not None:
            self._emulator.state.project.detach()
            self._emulator = None
        for function in self.functions.values():
            await function.close()


def _out_of_time(chain: tuple[str, ...]) -> str:
    path = " -> ".join(chain)
    if len(set(chain)) < len(chain):
        return (
            f"(call chain {path}: a cycle of calls, ended when the first caller's time ran out. "
            "Fix: break the cycle, e.g. stop calling back on some condition)"
        )
    return f"(call chain {path}: the first caller's time ran out. Fix: raise its timeout in config.json)"


async def _load(
    source: FunctionSource,
    emulator: RunningEmulator | None,
    runner_environ: Mapping[str, str],
    env: str,
    load_timeout: float,
) -> ProjectFunction:
    if source.language == PYTHON:
        # Against the embedded emulator the function runs in its environment ("local", as in the
        # platform's local debugging), which cloud.init() resolves DYNAMIC_CURRENT_ENV to and
        # storage needs; in production the platform's own TCB_ENV (or x-wx-env) applies.
        environ = {"TCB_ENV": env, **runner_environ} if emulator is not None else dict(runner_environ)
        try:
            return PythonProjectFunction(
                await load_function_in_time(source.directory, runner_environ=environ, timeout=load_timeout)
            )
        except FunctionLoadError as exc:
            raise ProjectError(str(exc)) from None
    try:
        config = load_config(source.directory)
        find_node()
        check_node_dir(source.directory)
    except (FunctionLoadError, NodeSetupError) as exc:
        raise ProjectError(str(exc)) from None
    admin_url = None
    if emulator is not None:
        admin_url = f"{emulator.base_url}/admin"
    elif base_url := runner_environ.get("CLOUDFN_BASE_URL") or os.environ.get("CLOUDFN_BASE_URL"):
        admin_url = base_url.rstrip("/") + "/admin"

    def process_environ() -> dict[str, str]:
        grant = None
        if emulator is not None:
            # One SecretId per process: the emulator then knows which invocation calls.
            grant = emulator.state.functions.register(source.name, sorted(config.permissions)).issued()
        return {**config.env_variables, **node_platform_environ(admin_url, grant, env)}

    runner = NodeRunner(source.directory, process_environ)
    try:
        await runner.start()
    except NodeSetupError as exc:
        raise ProjectError(str(exc)) from None
    return NodeProjectFunction(source, config, runner)


__all__ = [
    "NODE",
    "PYTHON",
    "FunctionSource",
    "Project",
    "ProjectError",
    "discover",
    "language_of",
]
