"""Saying so when a command listens beyond this machine."""

from __future__ import annotations

import sys

from ..listen import is_loopback


def warn_if_exposed(command: str, host: str, exposed: str) -> None:
    """One warning on stderr naming what anyone who reaches the port can do."""
    if is_loopback(host):
        return
    print(
        f"{command}: warning: listening on {host}, reachable from other machines: {exposed}. "
        "Fix: bind to 127.0.0.1 (the default) unless that is what you want",
        file=sys.stderr,
        flush=True,
    )


__all__ = ["warn_if_exposed"]
