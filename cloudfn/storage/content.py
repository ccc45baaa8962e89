"""``fileContent`` as chunks: bytes, a binary file object, or an (async) iterator of bytes.

The content is streamed to the object store chunk by chunk; bytes are sliced, never copied,
and a file is read a piece at a time, so an upload never holds the file twice.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Any

from ..transport.base import Chunk

CHUNK = 1024 * 1024


class BadContent(TypeError):
    """Not something uploadFile can send; the message names what was given and the fix."""


def is_content(value: object) -> bool:
    return (
        isinstance(value, bytes | bytearray | memoryview)
        or callable(getattr(value, "read", None))
        or isinstance(value, AsyncIterable)
        or (isinstance(value, Iterable) and not isinstance(value, str | dict | list | tuple))
    )


async def _from_buffer(buffer: bytes | bytearray | memoryview) -> AsyncIterator[Chunk]:
    view = memoryview(buffer).cast("B")
    for start in range(0, len(view), CHUNK):
        yield view[start : start + CHUNK]  # a view, not a copy: aiohttp writes any buffer


async def _from_file(handle: Any) -> AsyncIterator[Chunk]:
    while True:
        # In a thread: a slow disk or pipe must not stall the event loop.
        chunk = await asyncio.to_thread(handle.read, CHUNK)
        if not chunk:
            return
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise BadContent(
                "fileContent: the file is open in text mode. Fix: open it in binary mode, open(path, 'rb')"
            )
        yield _checked(chunk)


async def _from_async(items: AsyncIterable[Any]) -> AsyncIterator[Chunk]:
    async for item in items:
        yield _checked(item)


async def _from_sync(items: Iterable[Any]) -> AsyncIterator[Chunk]:
    for item in items:
        yield _checked(item)


def _checked(item: Any) -> Chunk:
    if isinstance(item, bytes | bytearray | memoryview):
        return item
    raise BadContent(
        f"fileContent: the iterator gave a {type(item).__name__}, not bytes. Fix: yield bytes chunks"
    )


def content_problem(content: Any) -> str | None:
    """What is wrong with ``content`` that shows before reading it, or None."""
    if isinstance(content, io.TextIOBase) or "b" not in getattr(content, "mode", "b"):
        return "fileContent: the file is open in text mode. Fix: open it in binary mode, open(path, 'rb')"
    return None


class ContentStream:
    """The chunks of ``content``; a problem found while streaming is kept in ``error``.

    The HTTP client reports a failing body as a broken connection; ``error`` lets the
    caller say what was really wrong with the content.
    """

    def __init__(self, content: Any) -> None:
        if isinstance(content, bytes | bytearray | memoryview):
            self._chunks = _from_buffer(content)
        elif callable(getattr(content, "read", None)):
            self._chunks = _from_file(content)
        elif isinstance(content, AsyncIterable):
            self._chunks = _from_async(content)
        else:
            self._chunks = _from_sync(content)
        self.error: BadContent | None = None

    def __aiter__(self) -> ContentStream:
        return self

    async def __anext__(self) -> Chunk:
        try:
            return await self._chunks.__anext__()
        except BadContent as exc:
            self.error = exc
            raise


__all__ = ["CHUNK", "BadContent", "ContentStream", "content_problem", "is_content"]
