"""The transport interface: the only place a cloud call does I/O.

Like httpx's transports, a transport only moves bytes: it returns the answer
or raises a :class:`~.errors.TransportError`. The call pipeline keeps the
policy (permissions, casing, validation, decoding) and alone turns failures
into CloudSDKError.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# A file to upload: its bytes when they are in memory already (sent as is, with a length),
# else its chunks, streamed.
Chunk = bytes | bytearray | memoryview
FileContent = Chunk | AsyncIterable[Chunk]


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
    """Sends one request; raises a :class:`~.errors.TransportError` for anything but an answer.

    Storage takes three steps, each a method: ``storage`` asks the platform for a storage
    action, ``upload`` sends a file's bytes where the platform's upload ticket says, ``fetch``
    reads a URL the platform handed out (a temporary download URL).

    A transport that reaches the cloud database also has the method of
    :class:`DatabaseTransport` (``cloud.database()`` looks for it).
    """

    async def send(self, request: ApiRequest) -> ApiResponse: ...

    async def storage(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One storage action of the platform (``storage.getUploadMetadata``,
        ``storage.batchGetDownloadUrl``, ``storage.batchDeleteFile``) with the Node SDK's
        parameters (plus ``env``); returns the platform's answer shaped as its ``/admin``
        channel shapes it: ``{"data": {...}, "requestId"}`` or ``{"code", "message"}``."""
        ...

    async def upload(self, ticket: Mapping[str, Any], cloud_path: str, content: FileContent) -> ApiResponse:
        """Send ``content`` to the object store as ``ticket`` (getUploadMetadata's ``data``) allows."""
        ...

    async def fetch(self, url: str) -> ApiResponse:
        """GET a URL the platform handed out; the answer whatever its status."""
        ...

    async def close(self) -> None: ...


class DatabaseTransport(Protocol):
    """The database side of a transport: one Node SDK database action.

    ``action`` and ``params`` are exactly what the Node SDK sends on the
    platform's ``/admin`` channel (``"database.getDocument"``,
    ``{"collectionName": ..., "query": "<extended JSON>", ...}``; see
    docs/database.md); ``env`` overrides the transport's environment. Returns
    the platform's JSON answer as is (``{"requestId", "data": {...}}`` or
    ``{"code", "message", "requestId"}``); raises :class:`~.errors.TransportError`
    only when there is no answer.
    """

    async def database(
        self, action: str, params: dict[str, Any], *, env: str | None = None
    ) -> dict[str, Any]: ...
