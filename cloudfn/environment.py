"""The invocation environment: ``os.environ`` as the code running in this context sees it.

On the platform each function has its own process, and the Node SDK reads
its configuration (``TCB_ENV``, ``TENCENTCLOUD_SECRETID``...) and each
invocation's WX context (``WX_OPENID``...) from ``process.env``. cloudfn's
runner serves many functions and invocations in one process, so it lays their
variables over ``os.environ`` in one context variable instead of writing them
into it: the runner sets it while it imports a function and while it runs an
invocation; ``cloudfn.init()``, the transports and ``getWXContext()`` read it
through :func:`current`. Being a context variable, two invocations never mix,
and tasks and threads started from an invocation inherit its environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

# WX context variables of the process itself, hidden inside an invocation: the
# invocation's own WX context is all getWXContext() may see.
_PROCESS_WX_PREFIX = "WX_"
_PROCESS_WX_NAMES = frozenset({"TCB_SOURCE"})


@dataclass(frozen=True)
class Overlay:
    """Variables laid over ``os.environ``; ``wx_context`` hides the process's own WX variables."""

    values: Mapping[str, str] = field(default_factory=dict)
    wx_context: bool = False


def _is_wx_variable(name: str) -> bool:
    return name.startswith(_PROCESS_WX_PREFIX) or name in _PROCESS_WX_NAMES


_OVERLAY: ContextVar[Overlay | None] = ContextVar("cloudfn_environment", default=None)


def current() -> Mapping[str, str]:
    """``os.environ`` with this context's overlay on top (``os.environ`` itself outside the runner)."""
    overlay = _OVERLAY.get()
    if overlay is None:
        return os.environ
    if overlay.wx_context:
        base = {k: v for k, v in os.environ.items() if not _is_wx_variable(k)}
    else:
        base = dict(os.environ)
    base.update(overlay.values)
    return base


@contextmanager
def laid_over(values: Mapping[str, str], *, wx_context: bool = False) -> Iterator[None]:
    """Run the block with ``values`` over the environment it already has (this context's overlay).

    ``wx_context=True`` marks ``values`` as an invocation's WX context: the
    process's own ``WX_*`` and ``TCB_SOURCE`` are hidden for the block.
    """
    outer = _OVERLAY.get() or Overlay()
    kept = outer.values
    if wx_context:  # a new WX context replaces any outer one whole, never mixing with it
        kept = {k: v for k, v in kept.items() if not _is_wx_variable(k)}
    token = _OVERLAY.set(Overlay({**kept, **values}, wx_context=wx_context or outer.wx_context))
    try:
        yield
    finally:
        _OVERLAY.reset(token)


__all__ = ["Overlay", "current", "laid_over"]
