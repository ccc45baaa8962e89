"""Running a function's blocking code (plain ``def`` handlers, module import) in daemon threads.

Python cannot stop a thread. A plain ``def`` handler that outlives its timeout,
or a module whose top-level code never finishes, keeps running; in a
non-daemon thread (a ``ThreadPoolExecutor``'s) it would also keep the process
from exiting, since the interpreter joins those threads at exit. So each
piece of user code runs in its own daemon thread, its outcome handed back to
the event loop as a future, and the CLI commands end with
:func:`exit_leaving_stuck_threads`: once the answer is out, a process whose
user code is still running exits without waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

THREAD_PREFIX = "cloudfn-user-code"


def _settle(future: asyncio.Future[Any], outcome: BaseException | None, value: Any) -> None:
    if future.done():  # the caller gave up (a timeout): nobody wants the outcome any more
        return
    if outcome is not None:
        future.set_exception(outcome)
    else:
        future.set_result(value)


def run_in_daemon_thread(call: Callable[[], T], *, what: str) -> asyncio.Future[T]:
    """Start ``call()`` in a new daemon thread; the returned future holds its value or exception.

    Any exception, KeyboardInterrupt and SystemExit included, ends up in the
    future, never in the thread's own (printed, then lost) traceback.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def target() -> None:
        outcome: BaseException | None = None
        value: Any = None
        try:
            value = call()
        except BaseException as exc:  # the caller reports it, whatever it is
            outcome = exc
        # RuntimeError: the loop has closed, the process is done with this call.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, outcome, value)

    threading.Thread(target=target, name=f"{THREAD_PREFIX}: {what}", daemon=True).start()
    return future


def stuck_threads() -> list[threading.Thread]:
    """User code still running in its daemon thread (a timed-out handler, a hung import)."""
    return [t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX) and t.is_alive()]


def exit_leaving_stuck_threads(code: int) -> int:
    """Return ``code``; or, when user code is still running, flush and end the process now.

    Interpreter shutdown would otherwise run while that code holds locks
    (stdout's, the import lock) and can hang or print noise; the answer has
    already been written, so nothing is lost.
    """
    if stuck_threads():
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    return code


__all__ = ["exit_leaving_stuck_threads", "run_in_daemon_thread", "stuck_threads"]
