"""The Node original, run by real ``node`` with its own ``node_modules`` (cloudfn.runtime.node)."""

from __future__ import annotations


class ParityError(Exception):
    """A problem that stops the whole run (bad input, missing tool); the message says the fix."""


__all__ = ["ParityError"]
