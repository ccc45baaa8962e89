"""The transport interface: the only place a cloud call does I/O.

Like httpx's transports, a transport only moves bytes: it returns the answer
or raises a :class:`~.errors.TransportError`. The call pipeline keeps the
policy (permissions, casing, validation, decoding) and alone turns failures
into CloudSDKError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ApiRequest:
    """One WeChat API call on the wire: snake_case body, no credentials."""

    api: str
    method: str
    path: str
    body: Mapping[str, Any] | None = None
    appid: str | None = None  # set when calling on behalf of another account
    # Body fields that go in the URL query string on the HTTPS wire (the spec's ``x-in: "query"``).
    query_fields: frozenset[str] = frozenset()
    # Extra query parameters and headers of APIs that take them (tcb.invokeCloudFunction's env and name).
    query: Mapping[str, str] | None = None
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class ApiResponse:
    """The server's answer, undecoded."""

    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return "application/json" in self.content_type or "text/plain" in self.content_type


class Transport(Protocol):
    """Sends one request; raises a :class:`~.errors.TransportError` for anything but an answer."""

    async def send(self, request: ApiRequest) -> ApiResponse: ...

    async def close(self) -> None: ...
