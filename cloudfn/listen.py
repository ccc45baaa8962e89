"""Opening a listening socket for cloudfn's servers (the emulator, ``cloudfn serve``)."""

from __future__ import annotations

import ipaddress
import socket


def is_loopback(host: str) -> bool:
    """Only this machine can connect: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    bare = host.strip("[]").lower()
    if bare == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


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
