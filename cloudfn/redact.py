"""Keeping credentials out of messages, logs and reprs."""

from __future__ import annotations

import re

_CREDENTIAL_IN_TEXT = re.compile(
    # access_token, cloudbase_access_token, secret, appsecret, secret_key/SecretKey,
    # TENCENTCLOUD_SECRETKEY; then =, a percent-encoded =, or a JSON colon.
    r"((?:cloudbase_)?access_token|(?:tencentcloud_)?secret(?:_?key)?|appsecret)"
    r"(=|%3D|\"\s*:\s*\"|'\s*:\s*')[^&\s\"']+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """Mask anything that looks like a credential in a URL query or JSON text."""
    return _CREDENTIAL_IN_TEXT.sub(r"\1\2***", text)


class Secret:
    """A string that never shows itself in ``repr``/``str`` (AppSecret, tokens)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__
