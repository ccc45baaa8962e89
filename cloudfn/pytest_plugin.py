"""pytest fixtures for testing cloud functions against the emulator (registered via ``pytest11``).

- ``wx_emulator``: a running emulator (one per test session, reset before each test);
  inspect it (``state()``, ``requests()``) and steer it (``advance_clock``, ``expire_tokens``).
- ``cloud``: a :class:`cloudfn.Cloud` bound to it, usable from sync and async tests.
- ``invoke``: run a function directory with an event and a WX context, as the platform would.

The emulator and the functions run on a background event loop, so the
fixtures work in plain and ``async`` tests alike, whatever loop pytest-asyncio
(or anyio) gives the test.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .cloud import Cloud
    from .emulator.data_folder import DataSnapshot
    from .emulator.server import RunningEmulator
    from .runtime.invoke import InvocationResult
    from .runtime.loader import CloudFunction
    from .sync import BackgroundLoop


class WxEmulator:
    """The test session's emulator, as a test sees it."""

    def __init__(self, running: RunningEmulator, loop: BackgroundLoop) -> None:
        self._running = running
        self._loop = loop
        self.base_url = running.base_url
        self.appid = running.appid
        self.secret = running.secret
        # Data folders read this session, by path: parsed once, restored per test.
        self._snapshots: dict[Path, DataSnapshot] = {}

    @property
    def openid(self) -> str:
        """The seeded user's OPENID (a user the emulator knows)."""
        return self._running.state.seeds[0].users[0]

    @property
    def environ(self) -> dict[str, str]:
        """CLOUDFN_BASE_URL/APPID/SECRET pointing at this emulator (for subprocesses)."""
        from .runtime.backend import emulator_environ

        return emulator_environ(self._running)

    async def _on_loop(self, action: Any) -> Any:
        return action()

    def _do(self, action: Any) -> Any:
        return self._loop.run(self._on_loop(action))

    def state(self) -> dict[str, Any]:
        """A snapshot: apps (users, printers, ...), tokens, clock offset."""
        return self._do(self._running.state.snapshot)  # type: ignore[no-any-return]

    def requests(self) -> list[dict[str, Any]]:
        """Every request the emulator answered since the last reset (tokens masked)."""
        return self._do(lambda: [r.to_dict() for r in self._running.state.requests])  # type: ignore[no-any-return]

    def api_requests(self, api: str | None = None) -> list[dict[str, Any]]:
        """The API calls (not token fetches) received, optionally of one API."""
        return [r for r in self.requests() if r["api"] and (api is None or r["api"] == api)]

    def reset(self) -> None:
        """Back to the seeded start: records, request log, clock, stubs."""
        self._do(self._running.state.reset)

    def stub(self, api: str, answer: Any) -> None:
        """Answer ``api`` (``"ocr.idcard"``) with ``answer`` until reset: a JSON object (with a
        non-zero ``errcode``, an error), bytes as ``cloudfn.emulator.binary.Binary``, or a
        callable taking the request body and returning one of those."""
        self._do(lambda: self._running.state.stub(api, answer))

    def arrange(self, document: dict[str, Any], appid: str | None = None) -> None:
        """Arrange state (the ``emulator.json`` format): users, stubs, subscriptions, risky
        words, pages, phone codes, e.g. ``{"security": {"riskyWords": ["spam"]}}``."""
        self._do(lambda: self._running.state.arrange(document, appid))

    def import_data(self, directory: str | os.PathLike[str], env: str = "local") -> None:
        """Start from a data folder (docs/data.md) in ``env``: its database and storage now, and
        again at every :meth:`reset` in this test. Bad data raises DataFolderError, nothing loaded.

        The folder is read and parsed once per session; later tests restore its snapshot."""
        from .emulator.data_folder import read_folder

        path = Path(directory).resolve()
        snapshot = self._snapshots.get(path)
        if snapshot is None:
            snapshot = self._snapshots[path] = read_folder(path)
        self._do(lambda: self._running.state.import_data(snapshot, env))

    def export_data(self, directory: str | os.PathLike[str], env: str | None = None) -> dict[str, int]:
        """Write the database and storage of ``env`` (default: the imported one's) as a data folder."""
        return self._do(lambda: self._running.state.export_data(directory, env))  # type: ignore[no-any-return]

    def forget_data(self) -> None:
        """Stop restoring an imported data folder at reset (the next test starts empty)."""

        def forget() -> None:
            self._running.state.imported = None

        self._do(forget)

    def subscribe(self, openid: str, template_id: str, count: int = 1) -> None:
        """Grant ``openid`` a subscription to ``template_id`` (``count`` messages)."""
        self.arrange(
            {
                "subscribeMessage": {
                    "subscriptions": [{"openid": openid, "templateId": template_id, "count": count}]
                }
            }
        )

    def advance_clock(self, seconds: float) -> None:
        self._do(lambda: self._running.state.clock.advance(seconds))

    def expire_tokens(self, appid: str | None = None) -> int:
        return self._do(lambda: self._running.state.expire_tokens(appid))  # type: ignore[no-any-return]

    def invalidate_tokens(self, appid: str | None = None) -> int:
        return self._do(lambda: self._running.state.invalidate_tokens(appid))  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"WxEmulator({self.base_url}, appid={self.appid})"


class Invoker:
    """``invoke(directory, event, openid=..., ...)`` -> InvocationResult."""

    def __init__(self, emulator: WxEmulator, loop: BackgroundLoop) -> None:
        self._emulator = emulator
        self._loop = loop
        self._functions: dict[Path, CloudFunction] = {}

    def load(self, directory: str | os.PathLike[str]) -> CloudFunction:
        """Load (once per test) the function in ``directory``, its cloud calls bound to the emulator."""
        from .runtime.loader import load_function

        path = Path(directory).resolve()
        function = self._functions.get(path)
        if function is None:
            function = load_function(path, runner_environ=self._emulator.environ)
            self._functions[path] = function
        return function

    def __call__(
        self,
        directory: str | os.PathLike[str],
        event: Mapping[str, Any] | None = None,
        *,
        openid: str | None = None,
        appid: str | None = None,
        unionid: str | None = None,
        source: str = "wx_client",
        wx_context: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> InvocationResult:
        """Invoke as the mini program would: OPENID defaults to the emulator's seeded user.

        ``wx_context`` (OPENID, APPID, UNIONID, CLIENTIP, SOURCE, ENV, ...) is
        merged over those defaults; a key set to None is left out.
        """
        from .runtime.invoke import invoke

        function = self.load(directory)
        context: dict[str, Any] = {
            "OPENID": openid or self._emulator.openid,
            "APPID": appid or self._emulator.appid,
            "UNIONID": unionid,
            "SOURCE": source,
            "ENV": "local",
            **(wx_context or {}),
        }
        return self._loop.run(invoke(function, dict(event or {}), wx_context=context, timeout=timeout))

    def close(self) -> None:
        for function in self._functions.values():
            self._loop.run(function.close())
        self._functions.clear()


@pytest.fixture(scope="session")
def _cloudfn_loop() -> Iterator[BackgroundLoop]:
    from .sync import BackgroundLoop

    loop = BackgroundLoop("cloudfn-pytest")
    yield loop
    loop.stop()


@pytest.fixture(scope="session")
def _cloudfn_emulator(_cloudfn_loop: BackgroundLoop) -> Iterator[WxEmulator]:
    from .emulator.server import run_emulator

    stack = contextlib.AsyncExitStack()

    async def start() -> RunningEmulator:
        return await stack.enter_async_context(run_emulator())

    running = _cloudfn_loop.run(start())
    yield WxEmulator(running, _cloudfn_loop)
    _cloudfn_loop.run(stack.aclose())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cloudfn_data(dir, env='local'): start the test (and every wx_emulator.reset() in it) from a "
        "data folder (database/, storage/, emulator.json)",
    )


@pytest.fixture
def wx_emulator(_cloudfn_emulator: WxEmulator, request: pytest.FixtureRequest) -> WxEmulator:
    """The running emulator, reset to its seeded start for this test (or to the data folder of
    its ``@pytest.mark.cloudfn_data(dir)`` marker)."""
    _cloudfn_emulator.forget_data()
    marker = request.node.get_closest_marker("cloudfn_data")
    if marker is not None:
        _cloudfn_emulator.import_data(*marker.args, **marker.kwargs)
    else:
        _cloudfn_emulator.reset()
    return _cloudfn_emulator


@pytest.fixture
def cloud(wx_emulator: WxEmulator, _cloudfn_loop: BackgroundLoop) -> Iterator[Cloud]:
    """A Cloud calling the emulator; ``await cloud.openapi...`` or ``cloud.sync.openapi...``.

    It has no config.json, so every API is permitted; use ``invoke`` to test a
    function with its own permissions.
    """
    from .api.registry import user_spec_dirs
    from .cloud import Cloud, Settings
    from .redact import Secret
    from .sync import LoopBoundTransport
    from .transport.https import HttpsTransport

    settings = Settings(
        base_url=wx_emulator.base_url,
        appid=wx_emulator.appid,
        secret=Secret(wx_emulator.secret),
        env=wx_emulator.environ["CLOUDFN_ENV"],  # storage keeps files in the runners' environment
        specs=tuple(user_spec_dirs(os.environ)),  # users' own APIs, as the emulator serves them
    )
    inner = HttpsTransport(appid=wx_emulator.appid, secret=settings.secret, base_url=wx_emulator.base_url)
    instance = Cloud(settings, transport=LoopBoundTransport(inner, _cloudfn_loop.loop))
    yield instance
    _cloudfn_loop.run(inner.close())


@pytest.fixture
def invoke(wx_emulator: WxEmulator, _cloudfn_loop: BackgroundLoop) -> Iterator[Invoker]:
    """Run a function directory: ``result = invoke("functions/update_printer", {"updateType": "unbind"})``.

    config.json's envVariables are set while the test runs and removed after.
    """
    saved = dict(os.environ)
    invoker = Invoker(wx_emulator, _cloudfn_loop)
    try:
        yield invoker
    finally:
        invoker.close()
        os.environ.clear()
        os.environ.update(saved)
