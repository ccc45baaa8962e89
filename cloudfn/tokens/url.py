"""``from_url()``: a token store from ``memory://``, ``file:///dir`` or ``redis://host:port/db``."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import ConfigError
from .store import MemoryTokenStore, TokenStore

DEFAULT_TOKEN_STORE = "memory://"


def _number(field: str, value: str, source: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number <= 0:
        raise ConfigError(
            f"token_store: {field}={value!r} in {source} must be a number of seconds > 0. "
            f"Fix: e.g. ?{field}=10"
        )
    return number


def from_url(url: str | None) -> TokenStore:
    """The store a URL names; raises ConfigError naming the fix for anything else."""
    url = (url or DEFAULT_TOKEN_STORE).strip()
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    shown = url.split("?", 1)[0] if "@" not in url else parts.scheme + "://..."  # never echo a password
    if parts.scheme == "memory":
        return MemoryTokenStore()
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            # file://tokens/dir reads "tokens" as a host name: a relative directory cannot be written so.
            raise ConfigError(
                f"token_store: {shown} names the host {parts.netloc!r} and the directory "
                f"{parts.path or '/'!r}: a file URL takes an absolute directory after three slashes "
                f"(file:///<dir>); a relative one cannot be given. Fix: "
                f"file://{os.path.abspath(parts.netloc + parts.path)} (that directory made absolute), or "
                "another absolute directory such as file:///var/run/cloudfn-tokens"
            )
        if not parts.path or parts.path == "/":
            raise ConfigError(
                f"token_store: {shown} names no directory. Fix: an absolute one, e.g. "
                "file:///var/run/cloudfn-tokens"
            )
        from .file import FileTokenStore

        lock_wait = _number("lock_wait", options["lock_wait"], shown) if "lock_wait" in options else None
        return FileTokenStore(parts.path, **({"lock_wait": lock_wait} if lock_wait else {}))
    if parts.scheme in ("redis", "rediss", "unix"):
        from .redis import RedisTokenStore

        prefix = options.pop("prefix", "")
        tuning = {
            name: _number(name, options.pop(name), shown)
            for name in ("lock_ttl", "lock_wait")
            if name in options
        }
        # Everything else (db, password, ssl options...) is redis-py's own URL syntax.
        client_url = urlunsplit(parts._replace(query=urlencode(options)))
        return RedisTokenStore(client_url, prefix=prefix, **tuning)
    raise ConfigError(
        f"token_store: {shown!r} is not a supported store URL (scheme {parts.scheme or 'missing'!r}). "
        "Fix: use memory:// (one process), file:///path/to/dir (one machine) or "
        "redis://host:6379/0?prefix=myapp: (many hosts); set it with cloudfn.init(token_store=...) "
        "or CLOUDFN_TOKEN_STORE"
    )


__all__ = ["DEFAULT_TOKEN_STORE", "from_url"]
