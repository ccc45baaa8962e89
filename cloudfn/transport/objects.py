"""Moving a file's bytes to and from URLs the platform hands out (the object store's).

These URLs carry their own authorisation (a ticket, a signature), so no credentials are
added here; every transport uses the same moves with its own connection pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from typing import Any, cast
from urllib.parse import quote

import aiohttp
from yarl import URL

from .base import ApiResponse, FileContent
from .errors import network_errors

# What an ASCII URL keeps as is under JavaScript's encodeURI; everything else is %-encoded.
_ENCODE_URI_SAFE = "-_.!~*'();/?:@&=+$,#"


def encode_uri(url: str) -> URL:
    """``encodeURI(url)`` as the Node SDK applies it to a temporary URL before fetching it."""
    return URL(quote(url, safe=_ENCODE_URI_SAFE), encoded=True)


async def _answer(response: aiohttp.ClientResponse) -> ApiResponse:
    body = await response.read()
    return ApiResponse(response.status, response.headers.get("Content-Type", ""), body, response.headers)


async def fetch(session: aiohttp.ClientSession, url: str) -> ApiResponse:
    target = encode_uri(url)
    with network_errors(target, setting="tempFileURL"):
        async with session.get(target) as response:
            return await _answer(response)


async def put_stream(
    session: aiohttp.ClientSession, url: str, headers: Mapping[str, str], content: FileContent
) -> ApiResponse:
    """PUT ``content`` as the raw body: bytes as they are, chunks one by one (never joined)."""
    target = URL(url, encoded=True)
    with network_errors(target, setting="upload url"):
        async with session.put(target, data=content, headers=dict(headers)) as response:
            return await _answer(response)


async def post_form(
    session: aiohttp.ClientSession,
    url: str,
    fields: Mapping[str, str],
    content: FileContent,
    filename: str,
) -> ApiResponse:
    """POST a multipart form: ``fields`` first, then the file part (bytes as they are, or streamed)."""
    target = URL(url, encoded=True)
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    payload: Any = (
        content
        if isinstance(content, bytes | bytearray | memoryview)
        # Typed for bytes, but the payload writes whatever buffer each chunk is.
        else aiohttp.payload.AsyncIterablePayload(cast("AsyncIterable[bytes]", content))
    )
    form.add_field("file", payload, filename=filename, content_type="application/octet-stream")
    with network_errors(target, setting="upload url"):
        async with session.post(target, data=form) as response:
            return await _answer(response)


__all__ = ["encode_uri", "fetch", "post_form", "put_stream"]
