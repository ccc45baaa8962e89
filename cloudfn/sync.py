"""The blocking facade: cloud calls from plain ``def`` code.

A cloud call is a coroutine and its connection pool belongs to one event
loop. Code that cannot ``await`` (a sync handler, a script) hands the
coroutine to a loop running in another thread and waits for the result:
the runner's own loop when the runner called the handler (so the handler
shares the function's connection pool), else a private background loop.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Awaitable, Coroutine, Mapping
from concurrent.futures import Future
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .api.proxy import OpenApiProxy
    from .cloud import Cloud
    from .transport.base import ApiRequest, ApiResponse, FileContent, Transport

T = TypeVar("T")

# The loop of the runner that called the sync handler running in this context.
RUNNER_LOOP: ContextVar[asyncio.AbstractEventLoop | None] = ContextVar("cloudfn_runner_loop", default=None)


class BackgroundLoop:
    """An event loop in a daemon thread, for code that must block on coroutines."""

    def __init__(self, name: str = "cloudfn-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on this loop and block the calling thread until it is done."""
        return self.submit(coroutine).result()

    def stop(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


_fallback: BackgroundLoop | None = None
_fallback_lock = threading.Lock()


def _fallback_loop() -> asyncio.AbstractEventLoop:
    global _fallback
    with _fallback_lock:
        if _fallback is None:
            _fallback = BackgroundLoop("cloudfn-sync")
            atexit.register(_fallback.stop)
        return _fallback.loop


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


def run_sync(awaitable: Awaitable[T]) -> T:
    """Block until ``awaitable`` (e.g. a cloud call) completes, from code that cannot ``await``.

    Raises RuntimeError when called on a thread that runs an event loop (it
    would wait for itself forever): there, ``await`` the call instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        if asyncio.iscoroutine(awaitable):
            awaitable.close()  # never awaited: do not leave a warning behind
        raise RuntimeError(
            "cloudfn blocking call inside a running event loop: this would wait for itself. "
            "Fix: in an `async def` handler use `await cloud.openapi...`; keep cloud.sync for plain def"
        )
    loop = RUNNER_LOOP.get() or _fallback_loop()
    return asyncio.run_coroutine_threadsafe(_await(awaitable), loop).result()


class BlockingOpenApi:
    """``cloud.sync.openapi.<ns>.<method>({...})``: the result itself, not a coroutine."""

    __slots__ = ("_proxy",)

    def __init__(self, proxy: OpenApiProxy) -> None:
        self._proxy = proxy

    def __getattr__(self, name: str) -> BlockingOpenApi:
        if name.startswith("__"):
            raise AttributeError(name)
        return BlockingOpenApi(getattr(self._proxy, name))

    def __call__(self, data: Mapping[str, Any] | None = None, /, **fields: Any) -> Any:
        outcome = self._proxy(data, **fields)
        if asyncio.iscoroutine(outcome):
            return run_sync(outcome)
        return BlockingOpenApi(outcome)  # cloud.sync.openapi(appid=...) configures a root

    def __repr__(self) -> str:
        return f"<blocking {self._proxy!r}>"


class BlockingCloud:
    """A :class:`~cloudfn.Cloud` whose calls block: for sync handlers (``cloud.sync``)."""

    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.openapi = BlockingOpenApi(cloud.openapi)

    def call(self, api: str, data: Mapping[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        return run_sync(self.cloud.call(api, data, **options))

    # Storage, blocking: the same arguments, results and errors as the async calls.

    def uploadFile(self, options: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        return run_sync(self.cloud.storage.uploadFile(options, **fields))

    def downloadFile(self, options: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        return run_sync(self.cloud.storage.downloadFile(options, **fields))

    def getTempFileURL(self, options: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        return run_sync(self.cloud.storage.getTempFileURL(options, **fields))

    def deleteFile(self, options: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        return run_sync(self.cloud.storage.deleteFile(options, **fields))

    upload_file = uploadFile
    download_file = downloadFile
    get_temp_file_url = getTempFileURL
    delete_file = deleteFile

    def database(self, *args: Any, **kwargs: Any) -> Any:
        """``cloud.sync.database()``: the same database whose actions block (see database/blocking.py)."""
        from .database.blocking import BlockingDatabase

        return BlockingDatabase(self.cloud.database(*args, **kwargs), run_sync)

    def close(self) -> None:
        run_sync(self.cloud.close())

    def __repr__(self) -> str:
        return f"BlockingCloud({self.cloud!r})"


class LoopBoundTransport:
    """A transport whose I/O always happens on one loop, whichever loop awaits it.

    Lets one Cloud serve sync tests, async tests on per-test loops, and
    handlers, while its connection pool stays on the loop that owns it.
    """

    def __init__(self, inner: Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.inner = inner
        self.loop = loop

    def _on_loop(self, coroutine: Coroutine[Any, Any, T]) -> Awaitable[T]:
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is self.loop:
            return coroutine
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    async def send(self, request: ApiRequest) -> ApiResponse:
        return await self._on_loop(self.inner.send(request))

    async def storage(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return await self._on_loop(self.inner.storage(action, params))

    async def upload(self, ticket: Mapping[str, Any], cloud_path: str, content: FileContent) -> ApiResponse:
        return await self._on_loop(self.inner.upload(ticket, cloud_path, content))

    async def fetch(self, url: str) -> ApiResponse:
        return await self._on_loop(self.inner.fetch(url))

    async def close(self) -> None:
        await self._on_loop(self.inner.close())

    def __getattr__(self, name: str) -> Any:
        # The optional database method, kept on the owning loop like send().
        if name == "database" and hasattr(self.inner, "database"):
            inner = self.inner.database

            async def database(
                action: str, params: dict[str, Any], *, env: str | None = None
            ) -> dict[str, Any]:
                result: dict[str, Any] = await self._on_loop(inner(action, params, env=env))
                return result

            return database
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"LoopBoundTransport({self.inner!r})"


__all__ = ["RUNNER_LOOP", "BackgroundLoop", "BlockingCloud", "LoopBoundTransport", "run_sync"]
