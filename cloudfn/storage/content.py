"""``fileContent`` as chunks: bytes, a binary file object, or an (async) iterator of bytes.

The content is streamed to the object store chunk by chunk; bytes are sliced, never copied,
and a file is read a piece at a time, so an upload never holds the file twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any

CHUNK = 256 * 1024


class BadContent(TypeError):
    """Not something uploadFile can send; the message names what was given and the fix."""


def is_content(value: object) -> bool:
    return (
        isinstance(value, bytes | bytearray | memoryview)
        or callable(getattr(value, "read", None))
        or isinstance(value, AsyncIterable)
        or (isinstance(value, Iterable) and not isinstance(value, str | dict | list | tuple))
    )


async def _from_buffer(buffer: bytes | bytearray | memoryview) -> AsyncIterator[bytes]:
    view = memoryview(buffer).cast("B")
    for start in range(0, len(view), CHUNK):
        yield view[start : start + CHUNK]  # type: ignore[misc]  # aiohttp writes any buffer


async def _from_file(handle: Any) -> AsyncIterator[bytes]:
    while True:
        # In a thread: a slow disk or pipe must not stall the event loop.
        chunk = await asyncio.to_thread(handle.read, CHUNK)
        if not chunk:
            return
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise BadContent(
                "fileContent: the file is open in text mode. Fix: open it in binary mode, open(path, 'rb')"
            )
        yield bytes(chunk) if isinstance(chunk, memoryview) else chunk  # type: ignore[misc]


async def _from_async(items: AsyncIterable[Any]) -> AsyncIterator[bytes]:
    async for item in items:
        yield _checked(item)


async def _from_sync(items: Iterable[Any]) -> AsyncIterator[bytes]:
    for item in items:
        yield _checked(item)


def _checked(item: Any) -> bytes:
    if not isinstance(item, bytes | bytearray | memoryview):
        raise BadContent(
            f"fileContent: the iterator gave a {type(item).__name__}, not bytes. Fix: yield bytes chunks"
        )
    return item  # type: ignore[return-value]


def chunks(content: Any) -> AsyncIterator[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        return _from_buffer(content)
    if callable(getattr(content, "read", None)):
        return _from_file(content)
    if isinstance(content, AsyncIterable):
        return _from_async(content)
    return _from_sync(content)


def size_of(content: Any) -> int | None:
    """The byte count when known before sending (bytes), else None (streamed chunked)."""
    if isinstance(content, bytes | bytearray):
        return len(content)
    if isinstance(content, memoryview):
        return content.nbytes
    return None


__all__ = ["CHUNK", "BadContent", "chunks", "is_content", "size_of"]
