"""Saying so when a command listens beyond this machine."""

from __future__ import annotations

import ipaddress
import sys


def is_loopback(host: str) -> bool:
    """Only this machine can connect: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


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


__all__ = ["is_loopback", "warn_if_exposed"]
