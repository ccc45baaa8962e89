"""Which invocation the running code belongs to, so calls it makes can be traced back to it.

A project runner sets it around each invocation; ``callFunction`` sends it
(``X-Cloudfn-Invocation``) so the callee inherits what is left of the
caller's time and a cycle of calls ends when the first caller's time is up.
"""

from __future__ import annotations

from contextvars import ContextVar

INVOCATION_HEADER = "X-Cloudfn-Invocation"

CURRENT_INVOCATION: ContextVar[str | None] = ContextVar("cloudfn_current_invocation", default=None)

__all__ = ["CURRENT_INVOCATION", "INVOCATION_HEADER"]
