"""Functions registered with the emulator: who calls ``/admin``, with which permissions.

On the platform a deployed function's identity and config.json permissions are
known to the platform; here ``POST /__emulator__/functions`` registers them and
hands back the SecretId/SecretKey to run the function with; the SecretId in an
``/admin`` request's Authorization header names the caller.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)")


@dataclass(frozen=True)
class FunctionGrant:
    """A deployed function as the platform knows it: name, permissions, account."""

    name: str
    permissions: frozenset[str]
    secret_id: str
    secret_key: str
    appid: str | None = None

    def public(self) -> dict[str, Any]:
        """What a listing shows: never the SecretKey (only the registration answer carries it)."""
        return {
            "name": self.name,
            "permissions": sorted(self.permissions),
            "appid": self.appid,
            "secret_id": self.secret_id,
        }

    def issued(self) -> dict[str, Any]:
        """The registration answer: the credentials the function runs with, SecretKey included."""
        return {**self.public(), "secret_key": self.secret_key}


class FunctionRegistry:
    """Registered functions by the SecretId they sign with."""

    def __init__(self) -> None:
        self.by_secret_id: dict[str, FunctionGrant] = {}

    def register(self, name: str, permissions: list[str], appid: str | None = None) -> FunctionGrant:
        grant = FunctionGrant(
            name=name,
            permissions=frozenset(permissions),
            secret_id="AKIDcloudfn" + secrets.token_hex(8),
            secret_key=secrets.token_hex(16),
            appid=appid,
        )
        self.by_secret_id[grant.secret_id] = grant
        return grant

    def caller(self, authorization: str | None) -> FunctionGrant | None:
        """The function whose SecretId signs ``authorization`` (signatures are not verified)."""
        match = _CREDENTIAL.search(authorization or "")
        return self.by_secret_id.get(match.group(1)) if match else None
