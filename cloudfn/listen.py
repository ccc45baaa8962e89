"""Opening a listening socket for cloudfn's servers (the emulator, ``cloudfn serve``)."""

from __future__ import annotations

import socket


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (port 0: any free port); IPv6 when ``host`` has a colon."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def http_url(host: str, sock: socket.socket) -> str:
    """``http://host:port`` for a bound socket, brackets around an IPv6 address."""
    url_host = f"[{host}]" if ":" in host else host
    return f"http://{url_host}:{sock.getsockname()[1]}"
