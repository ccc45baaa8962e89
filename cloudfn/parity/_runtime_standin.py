"""A minimal stand-in for ``cloudfn.runtime`` (loader + invoke), for parity only.

It implements just the contract parity relies on:
``load_function(directory) -> CloudFunction`` and
``await invoke(function, event, *, wx_context=None, timeout=None) -> InvocationResult``.
It is imported in one place (:mod:`cloudfn.parity.runner`); swap that import
for ``cloudfn.runtime`` once the real runtime is merged, and delete this file.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import FunctionConfig
from ..errors import CloudSDKError


@dataclass(frozen=True)
class CloudFunction:
    name: str
    directory: Path
    config: FunctionConfig
    handler: Callable[..., Any]


@dataclass(frozen=True)
class InvocationResult:
    result: Any
    error: BaseException | None
    request_id: str
    duration: float


def load_function(directory: str | Path) -> CloudFunction:
    """Import ``index.py`` from ``directory``; its top-level ``cloudfn.init()`` reads the env."""
    directory = Path(directory).resolve()
    config = FunctionConfig.load(directory)
    os.environ.setdefault("CLOUDFN_CONFIG", str(directory / "config.json"))
    source = directory / "index.py"
    module_name = f"cloudfn_function_{directory.name}_{secrets.token_hex(4)}"
    spec = importlib.util.spec_from_file_location(module_name, source)
    if spec is None or spec.loader is None or not source.is_file():
        raise FileNotFoundError(f"{source}: no such file. Fix: put the function's main in index.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    handler = getattr(module, "main", None)
    if not callable(handler):
        raise AttributeError(f"{source}: defines no main(event, context). Fix: add it")
    return CloudFunction(directory.name, directory, config, handler)


@contextmanager
def _wx_context_env(wx_context: Mapping[str, Any] | None) -> Iterator[None]:
    """Expose the WX context the way the platform does: WX_* variables + WX_CONTEXT_KEYS."""
    values = {(k if k.startswith("WX_") else f"WX_{k}"): str(v) for k, v in (wx_context or {}).items()}
    if values:
        values["WX_CONTEXT_KEYS"] = ",".join(values)
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


async def invoke(
    function: CloudFunction,
    event: Any,
    *,
    wx_context: Mapping[str, Any] | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 (the runtime's contract)
) -> InvocationResult:
    request_id = secrets.token_hex(8)
    context = {"request_id": request_id, "function_name": function.name}
    started = time.perf_counter()
    result: Any = None
    error: BaseException | None = None
    with _wx_context_env(wx_context):
        try:
            async with asyncio.timeout(timeout):
                if inspect.iscoroutinefunction(function.handler):
                    result = await function.handler(event, context)
                else:
                    result = await asyncio.to_thread(function.handler, event, context)
                    if inspect.isawaitable(result):
                        result = await result
        except Exception as exc:
            error = exc
    if isinstance(result, CloudSDKError):
        result = result.to_json()
    return InvocationResult(result, error, request_id, time.perf_counter() - started)
