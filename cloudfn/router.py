"""A router for one cloud function, with the model of the Node package ``tcb-router`` (1.1.2).

A function written with tcb-router ports line for line::

    from cloudfn.router import TcbRouter

    async def main(event, context):
        app = TcbRouter({"event": event})

        async def all_routes(ctx, next):
            ctx.data = {}
            await next()

        async def user(ctx, next):
            ctx.body = {"code": 0, "data": ctx.data}

        app.use(all_routes)
        app.router(["user", "timer"], user)
        return await app.serve()

The event's ``$url`` chooses the route. ``serve()`` runs the ``*``
middlewares (``app.use(fn)``) first, in the order they were added, then the
route's, each getting ``(ctx, next)``; a middleware goes on by awaiting
``next()``. ``serve()`` returns ``ctx.body`` once the first middleware has
finished, or None when neither the route nor ``*`` has a middleware. ``ctx`` is
the router itself: ``ctx._req.event``, ``ctx._req.url``, and any attribute the
middlewares set (``ctx.data``, ``ctx.body``); one never set reads as None, as
``undefined`` does in Node.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

log = logging.getLogger("cloudfn.router")

Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Any, Next], Any]

WILDCARD = "*"
_NOT_A_FUNCTION = "Handler should be a function. The middleware is not installed correctly."


def _js_key(value: Any) -> str:
    """The property name JavaScript makes of ``value`` (object keys are strings)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Request:
    """``ctx._req``: the event and its ``$url`` (readable as attributes or keys)."""

    def __init__(self, event: Any) -> None:
        self.event = event
        self.url: Any = event.get("$url") if isinstance(event, Mapping) else None

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)

    def __repr__(self) -> str:
        return f"Request(url={self.url!r})"


class TcbRouter:
    """tcb-router's ``TcbRouter``: ``use``, ``router``, ``serve``; the router is also the ``ctx``."""

    def __init__(self, options: Mapping[str, Any] | None = None, *, event: Any = None) -> None:
        if event is None:
            event = (options or {}).get("event")
        if event is None:
            event = {}
        self._router_middlewares: dict[str, list[Middleware]] = {}
        self._req = Request(event)
        self._res: dict[str, Any] = {}
        self.body: Any = None

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes never set: Node gives `undefined` (None here).
        if name.startswith("__"):
            raise AttributeError(name)
        return None

    def _add_middleware(self, path: Any, middleware: Middleware) -> None:
        paths = path if isinstance(path, list | tuple) else [path]
        for each in paths:
            self._router_middlewares.setdefault(_js_key(each), []).append(middleware)

    def use(self, *arguments: Any) -> None:
        """``use(fn)`` for every route; ``use(path, fn)`` for ``path`` (a name or a list)."""
        if len(arguments) == 1:
            path, handler = WILDCARD, arguments[0]
        elif len(arguments) > 1:
            path, handler = arguments[0], arguments[1]
        else:
            path, handler = None, None
        if not callable(handler):
            log.warning("%s", _NOT_A_FUNCTION)
            return
        self._add_middleware(path, handler)

    def router(self, path: Any = WILDCARD, *handlers: Any) -> None:
        """Middlewares for ``path`` (a name, a list of names, or ``*``), run in the order given."""
        for handler in handlers:
            if not callable(handler):
                # As tcb-router: the handlers before the bad one stay installed.
                log.warning("%s", _NOT_A_FUNCTION)
                return
            self._add_middleware(path, handler)

    async def serve(self) -> Any:
        """Run the matching middlewares; ``ctx.body`` after the first one finishes."""
        event = self._req.event
        # A missing $url is `undefined` in Node, whose property name is "undefined".
        key = _js_key(event["$url"]) if isinstance(event, Mapping) and "$url" in event else "undefined"
        table = self._router_middlewares
        if key not in table and WILDCARD not in table:
            return None
        chain = [*table.get(WILDCARD, []), *table.get(key, [])]
        await _compose(chain)(self)
        return self.body


def _compose(middlewares: list[Middleware]) -> Callable[[Any], Awaitable[None]]:
    """koa-compose as tcb-router has it: each middleware gets ``next`` running the following one."""

    async def run(context: Any) -> None:
        index = -1

        async def dispatch(i: int) -> None:
            nonlocal index
            if i <= index:
                raise RuntimeError("next() called multiple times")
            index = i
            if i == len(middlewares):
                return
            outcome = middlewares[i](context, lambda: dispatch(i + 1))
            if inspect.isawaitable(outcome):
                await outcome

        await dispatch(0)

    return run


Router = TcbRouter

__all__ = ["Request", "Router", "TcbRouter"]
