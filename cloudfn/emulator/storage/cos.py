"""The emulator's object store: where handed-out upload URLs and temporary URLs lead.

``PUT <upload url>`` with the ticket in ``x-cos-security-token`` and the file as the body
(the Node SDK's way), or ``POST`` of a multipart form ``key``, ``Signature``,
``x-cos-security-token``, ``x-cos-meta-fileid``, ``file`` (the way WeChat's HTTPS upload
documents), stores the file; ``GET``/``HEAD <temporary url>`` reads it back while the link lives.
Bodies are streamed into the store and out of it, never read whole. Failures are answered as
the object store does: an XML ``<Error>`` with a 4xx status.
"""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import BodyPartReader, web
from aiohttp.helpers import parse_mimetype

from ...storage.fileid import bucket_name
from ..http import STATE, new_rid
from ..state import EmulatorState
from .log import log_storage
from .models import PendingFile
from .operations import COS_PREFIX, TCB_CODES

REFUSED = TCB_CODES["STORAGE_REQUEST_FAIL"]  # the request log's errcode for a refused object request

UPLOAD_CHUNK = 256 * 1024
TOKEN_HEADER = "x-cos-security-token"
MAX_FIELD_BYTES = 8192  # the form's fields before the file are short (a key, a signature)


def cos_error(status: int, code: str, message: str, resource: str) -> web.Response:
    body = (
        "<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n"
        f"\t<Code>{escape(code)}</Code>\n\t<Message>{escape(message)}</Message>\n"
        f"\t<Resource>{escape(resource)}</Resource>\n\t<RequestId>{new_rid()}</RequestId>\n"
        f"\t<TraceId>{new_rid()}</TraceId>\n</Error>"
    )
    return web.Response(status=status, text=body, content_type="application/xml")


def _grant_target(
    state: EmulatorState, request: web.Request, table: str, token: str | None
) -> tuple[str, str] | str:
    """(env, path) the URL names and ``token`` allows, or why not."""
    links = state.storage.links
    grant = getattr(links, table).get(token or "")
    bucket, key = request.match_info["bucket"], request.match_info["key"]
    if grant is None or bucket != bucket_name(grant.env):
        return "The request signature we calculated does not match the signature you provided"
    problem = links.check(getattr(links, table), token, grant.env, key)
    return problem if problem else (grant.env, key)


def _boundary(request: web.Request) -> bytes:
    parameters = parse_mimetype(request.headers.get("Content-Type", "")).parameters
    return parameters.get("boundary", "").encode()


async def _copy_file_part(stream: aiohttp.StreamReader, boundary: bytes, pending: PendingFile) -> bool:
    """Write the part's bytes up to ``CRLF--boundary`` into ``pending``; False if it never comes."""
    if not boundary:
        return False
    delimiter = b"\r\n--" + boundary
    keep = len(delimiter) - 1  # held back: a delimiter may begin in them and end in the next read
    tail = b""
    async for chunk in stream.iter_any():
        # A delimiter that straddles the held-back bytes and this read...
        joined = tail + chunk[:keep]
        end = joined.find(delimiter)
        if end >= 0:
            pending.write(joined[:end])
            return True
        # ...or one inside this read; either way each byte is searched and copied once.
        end = chunk.find(delimiter)
        if end >= 0:
            pending.write(tail)
            pending.write(memoryview(chunk)[:end])
            return True
        if len(chunk) >= keep:
            pending.write(tail)
            pending.write(memoryview(chunk)[: len(chunk) - keep])
            tail = chunk[len(chunk) - keep :]
        else:
            joined = tail + chunk
            pending.write(joined[: max(0, len(joined) - keep)])
            tail = joined[max(0, len(joined) - keep) :]
    return False


async def _store(pending: PendingFile, chunks: AsyncIterator[bytes]) -> None:
    async for chunk in chunks:
        pending.write(chunk)


def cos_channel() -> web.Application:
    """The object store as a channel, mounted under :data:`COS_PREFIX`."""

    async def put_object(request: web.Request) -> web.Response:
        state = request.config_dict[STATE]
        target = _grant_target(state, request, "uploads", request.headers.get(TOKEN_HEADER))
        if isinstance(target, str):
            log_storage(request, "putObject", None, 403, {"Code": "AccessDenied", "Message": target}, REFUSED)
            return cos_error(403, "AccessDenied", target, request.path)
        env, path = target
        pending = state.storage.files.begin(env, path)
        try:
            await _store(pending, request.content.iter_chunked(UPLOAD_CHUNK))
        except (aiohttp.ClientError, ConnectionError):
            pending.abort()  # a broken upload leaves nothing behind
            return cos_error(400, "IncompleteBody", "the upload ended before its body did", request.path)
        except BaseException:
            pending.abort()
            raise
        stored = pending.commit()
        log_storage(request, "putObject", {"env": env, "path": path, "size": stored.size}, 200, None)
        return web.Response(status=200)

    async def post_object(request: web.Request) -> web.Response:
        state = request.config_dict[STATE]
        if not request.content_type.startswith("multipart/"):
            return cos_error(400, "InvalidArgument", "POST Object expects multipart/form-data", request.path)
        fields: dict[str, str] = {}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name != "file":
                value = bytearray()
                while chunk := await part.read_chunk(MAX_FIELD_BYTES):
                    value += chunk
                    if len(value) > MAX_FIELD_BYTES:
                        message = f"{part.name}: a form field longer than {MAX_FIELD_BYTES} bytes"
                        return cos_error(400, "InvalidArgument", message, request.path)
                fields[part.name or ""] = value.decode("utf-8", "replace")
                continue
            target = _grant_target(state, request, "uploads", fields.get(TOKEN_HEADER))
            if isinstance(target, str):
                log_storage(
                    request, "postObject", None, 403, {"Code": "AccessDenied", "Message": target}, REFUSED
                )
                return cos_error(403, "AccessDenied", target, request.path)
            env, path = target
            if fields.get("key") != path:
                message = (
                    f"key: the form's key {fields.get('key')!r} is not the path of the upload URL {path!r}"
                )
                return cos_error(400, "InvalidArgument", message, request.path)
            pending = state.storage.files.begin(env, path)
            try:
                # The file part is read straight off the stream up to the closing boundary:
                # aiohttp's part reader re-joins its buffers for every chunk, which made a
                # 10 MB upload slow and doubled the memory it took.
                complete = await _copy_file_part(request.content, _boundary(request), pending)
            except (aiohttp.ClientError, ConnectionError, ValueError):
                complete = False
            except BaseException:
                pending.abort()
                raise
            if not complete:
                pending.abort()  # a broken or malformed upload leaves nothing behind
                return cos_error(400, "IncompleteBody", "the upload ended before its body did", request.path)
            stored = pending.commit()
            log_storage(request, "postObject", {"env": env, "path": path, "size": stored.size}, 204, None)
            return web.Response(status=204)
        return cos_error(
            400, "InvalidArgument", "file: the form has no file part (it must come last)", request.path
        )

    async def get_object(request: web.Request) -> web.StreamResponse:
        state = request.config_dict[STATE]
        target = _grant_target(state, request, "downloads", request.query.get("sign"))
        if isinstance(target, str):
            return cos_error(403, "AccessDenied", target, request.path)
        env, path = target
        stored = state.storage.files.get(env, path)
        if stored is None:
            return cos_error(404, "NoSuchKey", "The specified key does not exist.", request.path)
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if state.storage.files.root is not None and request.method == "GET":
            # sendfile from disk: no copy through Python at all.
            return web.FileResponse(
                state.storage.files.disk_path(env, path), headers={"Content-Type": content_type}
            )
        response = web.StreamResponse(headers={"Content-Type": content_type})
        response.content_length = stored.size
        await response.prepare(request)
        if request.method == "GET":
            for chunk in state.storage.files.chunks(env, path):
                await response.write(chunk)
        await response.write_eof()
        return response

    channel = web.Application()
    route = "/{bucket}/{key:.+}"
    channel.router.add_put(route, put_object)
    channel.router.add_post(route, post_object)
    channel.router.add_get(route, get_object)  # aiohttp adds HEAD for a GET route
    return channel


__all__ = ["COS_PREFIX", "cos_channel", "cos_error"]
