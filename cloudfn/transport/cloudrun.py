"""The Cloud Run (微信云托管) transport: WeChat's API without an AppSecret.

Two channels, both provided by the platform inside a Cloud Run container:

- ``openapi`` (the open-API service): plain ``http://api.weixin.qq.com/<path>``
  with no token; the platform authenticates the call for paths whitelisted
  in the console. A path off the whitelist answers errcode 85107 (sometimes
  HTTP 502); both become a TransportError that says which console setting to change.
- ``token_file`` (WeChat-token mode): the platform keeps a token in
  ``/.tencentcloudbase/wx/cloudbase_access_token`` and renews it; each call
  sends it as ``?cloudbase_access_token=``. The file is re-read whenever it
  changes, and once more if the server rejects the token.

Every answer's ``x-openapi-seqid`` header (the platform's request id) stays
in ``ApiResponse.headers`` and is logged, so a failed call can be traced in
the console.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass
from typing import Literal

import aiohttp
from yarl import URL

from ..cloudrun_protocol import NOT_WHITELISTED, SEQID_HEADER
from ..errors import SYSTEM_ERROR
from .answers import not_whitelisted, rejected_token
from .base import ApiRequest, ApiResponse
from .errors import TransportError, network_errors
from .retry import RetryPolicy, send_with_retries
from .session import LazySession
from .wire import exchange

log = logging.getLogger("cloudfn.transport.cloudrun")

DEFAULT_OPENAPI_BASE_URL = "http://api.weixin.qq.com"
DEFAULT_TOKEN_BASE_URL = "https://api.weixin.qq.com"
DEFAULT_TOKEN_FILE = "/.tencentcloudbase/wx/cloudbase_access_token"

CloudRunMode = Literal["openapi", "token_file"]


@dataclass(frozen=True)
class _FileStamp:
    inode: int
    mtime_ns: int
    size: int


class TokenFile:
    """The platform's token file, read again only when it changed (or when forced)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._stamp: _FileStamp | None = None
        self._value: str | None = None

    def read(self, *, force: bool = False) -> str:
        try:
            stat = os.stat(self.path)
            stamp = _FileStamp(stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if force or stamp != self._stamp or self._value is None:
                with open(self.path, encoding="utf-8") as handle:
                    value = handle.read().strip()
                self._stamp, self._value = stamp, value
                log.debug("read the cloudbase_access_token file %s", self.path)
        except OSError as exc:
            raise TransportError(
                -601002,
                "system args error",
                detail=(
                    f"cloudrun_token_file: cannot read {self.path} ({exc.strerror}). Fix: turn on "
                    "'WeChat token' (微信令牌) for this Cloud Run service, or set "
                    "CLOUDFN_CLOUDRUN_TOKEN_FILE / cloudfn.init(cloudrun_token_file=...) to where it is"
                ),
            ) from None
        if not self._value:
            raise TransportError(
                -601002,
                "system args error",
                detail=f"cloudrun_token_file: {self.path} is empty. Fix: wait for the platform to write it",
            )
        return self._value


class CloudRunTransport:
    """Sends API requests through a Cloud Run channel (see the module docstring)."""

    def __init__(
        self,
        *,
        mode: CloudRunMode = "openapi",
        base_url: str | None = None,
        token_file: str = DEFAULT_TOKEN_FILE,
        session: aiohttp.ClientSession | None = None,
        retry: RetryPolicy | None = None,
        deadline: float | None = None,
    ) -> None:
        self.mode: CloudRunMode = mode
        default = DEFAULT_OPENAPI_BASE_URL if mode == "openapi" else DEFAULT_TOKEN_BASE_URL
        self.base_url = URL((base_url or default).rstrip("/"))
        self.token_file = TokenFile(token_file) if mode == "token_file" else None
        # Callable: the pooled session, opened on first use.
        self.session = LazySession(session)
        self._urls: dict[str, URL] = {}
        self.retry = retry if retry is not None else RetryPolicy()
        self.deadline = deadline

    def __repr__(self) -> str:
        return f"CloudRunTransport(mode={self.mode!r}, base_url={str(self.base_url)!r})"

    async def send(self, request: ApiRequest) -> ApiResponse:
        reread = False  # the token file is re-read at most once per call after a rejection

        async def attempt() -> ApiResponse:
            nonlocal reread
            with network_errors(self.base_url):
                response = await self._send_once(request, force_read=False)
                if self.token_file is not None and rejected_token(response) and not reread:
                    reread = True
                    log.info(
                        "%s: cloudbase_access_token rejected, re-reading %s",
                        request.api,
                        self.token_file.path,
                    )
                    response = await self._send_once(request, force_read=True)
                return response

        deadline = asyncio.get_running_loop().time() + self.deadline if self.deadline else None
        response = await send_with_retries(self.retry, attempt, deadline=deadline, what=request.api)
        return self._checked(request, response)

    def _checked(self, request: ApiRequest, response: ApiResponse) -> ApiResponse:
        """Turn the channel's own refusals into errors that name the console setting to fix."""
        seqid = next((v for k, v in response.headers.items() if k.lower() == SEQID_HEADER), "none")
        # Only a refusal is parsed here; every other answer is decoded once, by the pipeline.
        if not_whitelisted(response):
            message = json.loads(response.body).get("errmsg", "api not in whitelist")
            log.warning("%s refused by the Cloud Run open-API service (85107), seqid %s", request.api, seqid)
            raise TransportError(
                NOT_WHITELISTED,
                str(message),
                detail=(
                    f"path: {request.path} ({request.api}) is not on this Cloud Run service's open-API "
                    f"whitelist (x-openapi-seqid {seqid}). Fix: add it in the console: 云托管 > 云调用 > "
                    "开放接口服务 (or the emulator's --cloudrun-whitelist)"
                ),
            )
        if self.mode == "openapi" and response.status == 502:
            log.warning("%s: Cloud Run open-API service answered HTTP 502, seqid %s", request.api, seqid)
            raise TransportError(
                SYSTEM_ERROR,
                "wechat server error: HTTP 502",
                detail=(
                    f"path: the Cloud Run open-API service answered HTTP 502 for {request.path} "
                    f"(x-openapi-seqid {seqid}) after retries. Fix: make sure the open-API service is "
                    f"on and {request.path} is whitelisted (云托管 > 云调用), then retry"
                ),
            )
        log.debug(
            "%s via Cloud Run (%s): HTTP %s, x-openapi-seqid %s",
            request.api,
            self.mode,
            response.status,
            seqid,
        )
        return response

    async def _send_once(self, request: ApiRequest, *, force_read: bool) -> ApiResponse:
        url = self._urls.get(request.path)
        if url is None:
            # Keep the base URL's own path: the emulator serves this channel under /__cloudrun__.
            url = self._urls[request.path] = self.base_url.with_path(
                self.base_url.path.rstrip("/") + request.path
            )
        query: dict[str, str] = {}
        if self.token_file is not None:
            query["cloudbase_access_token"] = self.token_file.read(force=force_read)
        if request.appid:
            query["from_appid"] = request.appid  # resource reuse: act for another account
        return await exchange(self.session(), url, request, query)

    async def close(self) -> None:
        await self.session.close()


__all__ = ["DEFAULT_OPENAPI_BASE_URL", "DEFAULT_TOKEN_FILE", "CloudRunTransport", "TokenFile"]
