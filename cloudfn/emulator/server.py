"""Running the emulator: embedded in-process (tests, ``cloudfn invoke``) or as a server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from ..api.registry import Registry
from ..listen import bind, http_url
from .app import create_emulator_app
from .state import AppSeed, EmulatorState


@dataclass(frozen=True)
class RunningEmulator:
    base_url: str
    state: EmulatorState

    @property
    def appid(self) -> str:
        return self.state.seeds[0].appid

    @property
    def secret(self) -> str:
        return self.state.seeds[0].secret


@asynccontextmanager
async def run_emulator(
    apps: Iterable[AppSeed] = (),
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    state: EmulatorState | None = None,
    registry: Registry | None = None,
) -> AsyncIterator[RunningEmulator]:
    """Serve the emulator on ``host:port`` (0 = any free port) for the ``async with`` block."""
    state = state or EmulatorState(apps)
    app = create_emulator_app(state, registry=registry)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = bind(host, port)
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        yield RunningEmulator(http_url(host, sock), state)
    finally:
        await runner.cleanup()


def serve(
    apps: Iterable[AppSeed],
    *,
    host: str,
    port: int,
    token_ttl: float,
    state: EmulatorState | None = None,
    registry: Registry | None = None,
) -> None:
    """Block serving until SIGINT/SIGTERM (aiohttp's run_app handles both)."""
    state = state or EmulatorState(apps, token_ttl=token_ttl)
    app = create_emulator_app(state, registry=registry)
    lines = [f"cloudfn emulator on http://{host}:{port}"]
    lines += [f"  app {s.appid} (users: {', '.join(s.users) or 'none'})" for s in state.seeds]

    def announce(_: str) -> None:
        print("\n".join(lines), flush=True)

    web.run_app(app, host=host, port=port, print=announce, access_log=None)
