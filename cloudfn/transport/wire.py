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

from .base import ApiRequest, ApiResponse

log = logging.getLogger("cloudfn.transport")

_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def encode_body(body: Mapping[str, Any] | None) -> bytes:
    """UTF-8 JSON with non-ASCII kept as is, as WeChat expects."""
    return json.dumps(body or {}, ensure_ascii=False, separators=(",", ":")).encode()


async def exchange(session: aiohttp.ClientSession, url: URL, request: ApiRequest) -> ApiResponse:
    """Send ``request`` to ``url`` (GET fields in the query, POST as a JSON body) and read the answer.

    ``url`` carries the credentials in its query: it is never logged. aiohttp's
    exceptions pass through; the caller maps them (:func:`.errors.network_errors`).
    """
    if request.method == "GET":
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (request.body or {}).items()}
        response_cm = session.get(url.update_query(fields) if fields else url)
    else:
        payload = request.payload if request.payload is not None else encode_body(request.body)
        response_cm = session.post(url, data=payload, headers=_JSON_HEADERS)
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
