"""Timer triggers: run a function on its config.json cron while it is being served."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

from ..config import FunctionConfig
from .cron import PLATFORM_TZ, CronSchedule, parse_cron
from .invoke import InvocationResult, invoke

log = logging.getLogger("cloudfn.triggers")

# A timer invocation has no user; the platform marks its source this way.
TIMER_SOURCE = "wx_trigger"


def timer_event(trigger_name: str, fire_time: datetime) -> dict[str, Any]:
    """The event a timer trigger passes, as the platform shapes it (time in UTC)."""
    moment = fire_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"Type": "Timer", "TriggerName": trigger_name, "Time": moment, "Message": ""}


class Configured(Protocol):
    """A function with its config.json (a loaded Python function or a project's function)."""

    @property
    def config(self) -> FunctionConfig: ...


class TimerScheduler:
    """Fires each timer trigger of one function at its cron times until stopped.

    A run that is still going when the next time comes does not delay it (the
    platform does not wait either); each run is bounded by the function's timeout.
    """

    def __init__(
        self,
        function: Configured,
        *,
        run: Callable[[Any, Mapping[str, Any]], Awaitable[InvocationResult]] | None = None,
        tz: tzinfo = PLATFORM_TZ,
        wx_context: dict[str, Any] | None = None,
        on_result: Callable[[str, InvocationResult], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.function = function
        # How to run the function once (event, wx_context); a project's functions pass theirs.
        if run is None:
            from .loader import CloudFunction

            assert isinstance(function, CloudFunction), "run= is needed for a function cloudfn did not load"
            loaded = function
            run = lambda event, wx_context: invoke(loaded, event, wx_context=wx_context)  # noqa: E731
        self._run = run
        self.schedules: list[tuple[str, CronSchedule]] = [
            (t.name, parse_cron(t.cron, tz)) for t in function.config.triggers
        ]
        self.wx_context = {"SOURCE": TIMER_SOURCE, **(wx_context or {})}
        self.on_result = on_result
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tasks: list[asyncio.Task[None]] = []
        self._runs: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        for name, schedule in self.schedules:
            self._tasks.append(asyncio.create_task(self._loop(name, schedule), name=f"timer:{name}"))

    async def _loop(self, name: str, schedule: CronSchedule) -> None:
        after = self._clock()
        while True:
            fire = schedule.next_after(after)
            if fire is None:
                log.info("timer %s: %s has no more fire times", name, schedule.expression)
                return
            await asyncio.sleep(max(0.0, (fire - self._clock()).total_seconds()))
            run = asyncio.create_task(self._fire(name, fire))
            self._runs.add(run)
            run.add_done_callback(self._runs.discard)
            after = fire

    async def _fire(self, name: str, fire: datetime) -> None:
        result = await self._run(timer_event(name, fire), self.wx_context)
        if result.ok:
            log.info("timer %s fired at %s: ok (%s)", name, fire.isoformat(), result.request_id)
        else:
            log.warning(
                "timer %s fired at %s: %s (%s)", name, fire.isoformat(), result.error, result.request_id
            )
        if self.on_result is not None:
            self.on_result(name, result)

    async def stop(self, *, wait_runs: bool = True) -> None:
        """Stop scheduling; let runs already started finish (each is bounded by its timeout)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if wait_runs and self._runs:
            await asyncio.gather(*list(self._runs), return_exceptions=True)


__all__ = ["TIMER_SOURCE", "TimerScheduler", "timer_event"]
