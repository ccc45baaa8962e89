"""Keeping credentials out of messages, logs and reprs."""

from __future__ import annotations

import re
from typing import Any

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


MASK = "***"


def is_credential_name(name: str) -> bool:
    """``access_token``, ``cloudbase_access_token``, ``secret``, ``SecretKey``, ``wxCloudApiToken``..."""
    lower = name.lower().replace("-", "_")
    return "secret" in lower or lower.endswith(("access_token", "accesstoken", "apitoken", "sessiontoken"))


def mask_credentials(value: Any) -> Any:
    """A copy of a JSON value with every credential-named key's value masked, at any depth.

    Iterative (no recursion), so a body nested as deep as a parser allows is fine.
    """
    root: list[Any] = [value]
    # (container to fill, key or index in it, the original value to copy there)
    stack: list[tuple[Any, Any, Any]] = [(root, 0, value)]
    while stack:
        target, slot, item = stack.pop()
        if isinstance(item, dict):
            copy: dict[Any, Any] = {}
            target[slot] = copy
            for key, child in item.items():
                if isinstance(key, str) and is_credential_name(key) and child not in (None, ""):
                    copy[key] = MASK
                else:
                    copy[key] = None
                    stack.append((copy, key, child))
        elif isinstance(item, list):
            items: list[Any] = [None] * len(item)
            target[slot] = items
            stack.extend((items, index, child) for index, child in enumerate(item))
        else:
            target[slot] = item
    return root[0]


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
