"""Functions registered with the emulator: who calls ``/admin``, with which permissions,
and the project's functions a runner attached, which ``callFunction`` reaches by name.

On the platform a deployed function's identity and config.json permissions are
known to the platform; here ``POST /__emulator__/functions`` registers them and
hands back the SecretId/SecretKey to run the function with; the SecretId in an
``/admin`` request's Authorization header names the caller.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
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
        secret_id = secret_id_of(authorization)
        return self.by_secret_id.get(secret_id) if secret_id else None


def secret_id_of(authorization: str | None) -> str | None:
    """The SecretId named by a TC3 ``Authorization`` header (``Credential=<SecretId>/...``)."""
    match = _CREDENTIAL.search(authorization or "")
    return match.group(1) if match else None


@dataclass(frozen=True)
class CallOutcome:
    """How one invocation of a callee ended: its result as JSON text, or why it failed."""

    result_json: str | None = None
    code: str | None = None  # the platform's error code when it failed
    message: str = ""
    request_id: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def ok(self) -> bool:
        return self.code is None


@dataclass(frozen=True)
class Caller:
    """Who made a call, as far as the wire tells: the invocation id cloudfn's client sends,
    or the SecretId the Node SDK signs with (the runner gives each node process its own)."""

    invocation: str | None = None
    secret_id: str | None = None


# (name, event, wx_context, caller) -> outcome; the runner applies the callee's timeout.
FunctionRunner = Callable[[str, Any, Mapping[str, Any], Caller], Awaitable[CallOutcome]]

FUNCTION_NOT_FOUND = "ResourceNotFound.Function"
FUNCTION_FAILED = "FUNCTIONS_EXECUTE_FAIL"
# The HTTP API's errcode for each (the SDK's TCB_ERR_CODE numbers; -501000 is what a
# missing function is reported with to mini programs).
HTTP_ERRCODES = {FUNCTION_NOT_FOUND: -501000, FUNCTION_FAILED: -504002, "INVALID_PARAM": -501007}


def not_found_message(name: str, known: list[str]) -> str:
    listing = ", ".join(known) or "none"
    return (
        f"[{FUNCTION_NOT_FOUND}] 未找到指定的Function，请创建后再试。 "
        f"(function_name: no function {name!r} in this project; its functions: {listing})"
    )


class ProjectFunctions:
    """The functions a runner serves, by name, with their language; empty until one attaches."""

    def __init__(self) -> None:
        self.languages: dict[str, str] = {}
        self._runner: FunctionRunner | None = None

    def attach(self, languages: Mapping[str, str], runner: FunctionRunner) -> None:
        self.languages = dict(languages)
        self._runner = runner

    def detach(self) -> None:
        self.languages = {}
        self._runner = None

    async def invoke(
        self, name: str, event: Any, *, source: str, env: str, caller: Caller | None = None
    ) -> CallOutcome:
        if self._runner is None:
            return CallOutcome(
                code=FUNCTION_NOT_FOUND, message=not_found_message(name, sorted(self.languages))
            )
        return await self._runner(name, event, callee_context(source, env), caller or Caller())


def callee_context(source: str, env: str) -> dict[str, Any]:
    """The WX context of a function another function called (see the module docstring)."""
    return {"SOURCE": source.lstrip(","), "ENV": env}
