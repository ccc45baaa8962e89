"""Comparing a presented credential (AppSecret, waybill token) with the one on record."""

from __future__ import annotations

import secrets


def same_secret(expected: str, given: object) -> bool:
    """Constant-time equality that accepts whatever a request carried.

    ``secrets.compare_digest`` raises TypeError for non-ASCII ``str`` (and for
    anything not a str); a request may carry any JSON value, so both sides are
    compared as UTF-8 bytes and a non-string is simply not the secret.
    """
    if not isinstance(given, str):
        return False
    return secrets.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


__all__ = ["same_secret"]
