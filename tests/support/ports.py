"""Loopback ports for servers a test starts as processes."""

from __future__ import annotations

import asyncio
import socket
import subprocess


def free_port() -> int:
    """A port nothing listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    """Return once ``process`` listens on ``port``; fail if it exits or takes over 10 s."""
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(
                f"the server exited early: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise AssertionError("the server did not start listening")
