"""One JSON API request over aiohttp, as WeChat's HTTP API takes it (HTTPS and Cloud Run alike).

The two transports differ only in credentials (a query parameter or none) and
URL; the request they send and the answer they read are the same.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from ..api.media import has_media, is_media, media_part
from .base import ApiRequest, ApiResponse

log = logging.getLogger("cloudfn.transport")

_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def encode_body(body: Mapping[str, Any] | None) -> bytes:
    """UTF-8 JSON with non-ASCII kept as is, as WeChat expects."""
    return json.dumps(body or {}, ensure_ascii=False, separators=(",", ":")).encode()


def _query_values(fields: Mapping[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items() if v is not None}


def multipart_body(body: Mapping[str, Any]) -> aiohttp.FormData:
    """A body holding files as multipart/form-data: each file a part named as the Node SDK names it."""
    form = aiohttp.FormData()
    for key, value in body.items():
        if is_media(value):
            part = media_part(key, value)
            form.add_field(key, part.data, content_type=part.content_type, filename=part.filename)
        elif value is not None:
            form.add_field(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return form


async def exchange(
    session: aiohttp.ClientSession, url: URL, request: ApiRequest, query: Mapping[str, str]
) -> ApiResponse:
    """Send ``request`` to ``url`` (GET fields in the query, POST as a JSON body) and read the answer.

    ``query`` holds credentials: it is never logged. aiohttp's exceptions pass
    through; the caller maps them (:func:`.errors.network_errors`).
    """
    if request.query:
        query = {**request.query, **query}
    fields = request.body or {}
    if request.method == "GET":
        response_cm = session.get(url.with_query({**query, **_query_values(fields)}), headers=request.headers)
    else:
        in_url = {k: v for k, v in fields.items() if k in request.query_fields}
        rest = {k: v for k, v in fields.items() if k not in request.query_fields} if in_url else fields
        target = url.with_query({**query, **_query_values(in_url)})
        if has_media(rest):
            response_cm = session.post(target, data=multipart_body(rest), headers=request.headers)
        else:
            headers = _JSON_HEADERS if not request.headers else {**request.headers, **_JSON_HEADERS}
            response_cm = session.post(target, data=encode_body(rest), headers=headers)
    async with response_cm as response:
        body = await response.read()
        log.debug("%s %s -> HTTP %s, %d bytes", request.method, url.path, response.status, len(body))
        return ApiResponse(
            status=response.status,
            content_type=response.headers.get("Content-Type", ""),
            body=body,
            headers=response.headers,  # an immutable view; copying it is per-call work for nothing
        )


__all__ = ["encode_body", "exchange"]
