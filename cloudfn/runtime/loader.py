"""Loading a cloud function directory: ``index.py`` with its handler, and ``config.json``.

As functions-framework does, the handler module is imported from its file
under a private module name, with its directory on ``sys.path`` so sibling
modules import. Every failure names the file (and line) and the fix.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import inspect
import os
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import environment
from ..config import FunctionConfig
from ..errors import ConfigError

ENTRY_FILE = "index.py"
# How long a module's top-level code may run when ``invoke``/``serve`` load it.
DEFAULT_LOAD_TIMEOUT_S = 30.0
# ``main`` is the wx-server-sdk convention, ``main_handler`` Tencent SCF's.
HANDLER_NAMES = ("main", "main_handler")

Handler = Callable[[Any, Any], Any]


class FunctionLoadError(Exception):
    """A function directory that cannot be run: says which file, where, and the fix."""


@dataclass
class CloudFunction:
    """A loaded cloud function, ready to invoke."""

    name: str
    directory: Path
    config: FunctionConfig
    handler: Handler
    module: ModuleType | None = None
    # The variables the runner lays over os.environ for it (cloudfn.environment);
    # kept out of repr: it holds the AppSecret.
    runner_environ: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.handler)

    @property
    def handler_name(self) -> str:
        return getattr(self.handler, "__name__", "main")

    async def close(self) -> None:
        """Close the Clouds its module created (their connection pools)."""
        from ..cloud import Cloud

        if self.module is None:
            return
        for value in list(vars(self.module).values()):
            if isinstance(value, Cloud):
                await value.close()


def _function_error(directory: Path, exc: BaseException) -> FunctionLoadError:
    """Point at the line in the function's own code where importing it failed."""
    if isinstance(exc, SyntaxError):
        where = f"{exc.filename or directory / ENTRY_FILE}, line {exc.lineno}"
        return FunctionLoadError(f"{where}: {type(exc).__name__}: {exc.msg}. Fix: correct the syntax there")
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if Path(f.filename).resolve().is_relative_to(directory)
    ]
    where = f"{frames[-1].filename}, line {frames[-1].lineno}" if frames else str(directory / ENTRY_FILE)
    fix = (
        "install the missing package (pip install ...) or add the module to the function directory"
        if isinstance(exc, ImportError)
        else "fix the error raised while the module was imported (its top-level code)"
    )
    return FunctionLoadError(f"{where}: {type(exc).__name__}: {exc}. Fix: {fix}")


def _check_signature(handler: Handler, entry: Path, name: str) -> None:
    try:
        inspect.signature(handler).bind(None, None)
    except TypeError:
        raise FunctionLoadError(
            f"{entry}: {name}{inspect.signature(handler)} cannot take (event, context). "
            f"Fix: define it as `async def {name}(event, context):` (or plain def)"
        ) from None
    except ValueError:  # builtins without a signature: let the call decide
        return


def _check_triggers(config: FunctionConfig, config_path: Path) -> None:
    """A cron the platform would refuse makes the whole config.json invalid, as on deploy."""
    from .cron import CronError, parse_cron

    for index, trigger in enumerate(config.triggers):
        try:
            parse_cron(trigger.cron)
        except CronError as exc:
            raise FunctionLoadError(f"{config_path}: triggers[{index}].config: {exc}") from None


def load_config(directory: Path) -> FunctionConfig:
    """The function's config.json, checked; none at all runs as on the platform (see FunctionConfig)."""
    config_path = directory / "config.json"
    if not config_path.exists():
        return FunctionConfig.missing(config_path)
    try:
        config = FunctionConfig.load(config_path)
    except ConfigError as exc:
        raise FunctionLoadError(str(exc)) from None
    _check_triggers(config, config_path)
    return config


def load_function(
    directory: str | os.PathLike[str],
    *,
    runner_environ: Mapping[str, str] | None = None,
    apply_env_variables: bool = True,
) -> CloudFunction:
    """Load the function in ``directory``: its config.json (if any), then its ``index.py`` handler.

    ``runner_environ`` (CLOUDFN_BASE_URL, CLOUDFN_APPID, CLOUDFN_SECRET,
    TCB_ENV, ...) is laid over ``os.environ`` (:mod:`cloudfn.environment`)
    while the module is imported and while each invocation runs, for its
    ``cloudfn.init()`` calls and ``getWXContext()``; CLOUDFN_CONFIG defaults to the
    function's config.json so its permissions apply. With
    ``apply_env_variables`` config.json's ``envVariables`` go into
    ``os.environ`` before the module is imported, as the platform sets them in
    the function's process.
    """
    path = Path(directory)
    if not path.is_dir():
        what = "is a file, not a directory" if path.exists() else "no such directory"
        raise FunctionLoadError(
            f"{path}: {what}. Fix: give the directory holding index.py and config.json "
            "(e.g. examples/update_printer)"
        )
    path = path.resolve()
    config = load_config(path)
    entry = path / ENTRY_FILE
    if not entry.is_file():
        raise FunctionLoadError(
            f"{entry}: no such file. Fix: put the handler in {ENTRY_FILE}, "
            "e.g. `async def main(event, context): ...`"
        )
    environ = {"CLOUDFN_CONFIG": config.environ_value(), **(runner_environ or {})}
    if apply_env_variables:
        os.environ.update(config.env_variables)

    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    module_name = f"cloudfn_function_{path.name.replace('-', '_')}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, entry)
    if spec is None or spec.loader is None:
        raise FunctionLoadError(f"{entry}: cannot be imported as a Python module. Fix: name it index.py")
    module = importlib.util.module_from_spec(spec)
    if str(path) not in sys.path:
        sys.path.append(str(path))
    sys.modules[module_name] = module
    try:
        with environment.laid_over(environ):
            spec.loader.exec_module(module)
    except BaseException as exc:  # KeyboardInterrupt at import is the function's error, not ours
        sys.modules.pop(module_name, None)
        raise _function_error(path, exc) from None

    handler = None
    for name in HANDLER_NAMES:
        candidate = getattr(module, name, None)
        if candidate is not None:
            if not callable(candidate):
                raise FunctionLoadError(
                    f"{entry}: {name} is a {type(candidate).__name__}, not a function. "
                    f"Fix: define `async def {name}(event, context):`"
                )
            handler = candidate
            _check_signature(handler, entry, name)
            break
    if handler is None:
        raise FunctionLoadError(
            f"{entry}: no handler: neither {' nor '.join(HANDLER_NAMES)} is defined. "
            "Fix: define `async def main(event, context):` (or plain def)"
        )
    return CloudFunction(
        name=path.name,
        directory=path,
        config=config,
        handler=handler,
        module=module,
        runner_environ=environ,
    )


async def load_function_in_time(
    directory: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_LOAD_TIMEOUT_S,  # noqa: ASYNC109 - applied with asyncio.timeout
    runner_environ: Mapping[str, str] | None = None,
) -> CloudFunction:
    """:func:`load_function` in a daemon thread, refused when its module's import outlasts ``timeout``.

    The import cannot be stopped: it goes on in its thread, and the command
    that asked exits without waiting for it (see :mod:`cloudfn.runtime.threads`).
    """
    from .threads import run_in_daemon_thread

    loading = run_in_daemon_thread(
        lambda: load_function(directory, runner_environ=runner_environ), what=f"load {directory}"
    )
    try:
        async with asyncio.timeout(timeout):
            return await loading
    except TimeoutError:
        raise FunctionLoadError(
            f"{Path(directory) / ENTRY_FILE}: loading did not finish within {timeout:g} seconds "
            "(its top-level code is still running). Fix: move slow work (network calls, sleeps) "
            "into the handler, or raise --load-timeout"
        ) from None


__all__ = [
    "DEFAULT_LOAD_TIMEOUT_S",
    "ENTRY_FILE",
    "HANDLER_NAMES",
    "CloudFunction",
    "FunctionLoadError",
    "load_function",
    "load_function_in_time",
]
