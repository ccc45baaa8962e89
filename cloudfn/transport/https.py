"""The HTTPS transport: WeChat's server API (or the emulator) with an access token."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from ..errors import NETWORK_ERROR
from ..redact import Secret, redact
from ..tokens import TokenFetchError, TokenProvider, TokenStore
from ..tokens.provider import REJECTED_TOKEN_CODES, TokenEndpoint
from .base import ApiRequest, ApiResponse, TransportError

log = logging.getLogger("cloudfn.transport.https")

DEFAULT_BASE_URL = "https://api.weixin.qq.com"


def encode_body(body: Mapping[str, Any] | None) -> bytes:
    """UTF-8 JSON with non-ASCII kept as is, as WeChat expects."""
    return json.dumps(body or {}, ensure_ascii=False, separators=(",", ":")).encode()


_REJECTED_TOKEN_HINT = re.compile(rb'"errcode"\s*:\s*(?:40001|40014|42001)\b')


def rejected_token(response: ApiResponse) -> bool:
    """Did the server refuse the access token (so a refresh may help)?"""
    # A byte scan first: every successful answer would otherwise be parsed twice.
    if not response.is_json or not _REJECTED_TOKEN_HINT.search(response.body):
        return False
    try:
        answer = json.loads(response.body)
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("errcode") in REJECTED_TOKEN_CODES


class HttpsTransport:
    """Sends API requests with ``?access_token=`` from a :class:`TokenProvider`.

    When the server rejects the token (40001/40014/42001) the token is dropped
    from the shared cache and the call is sent once more with a fresh one.
    """

    def __init__(
        self,
        *,
        appid: str,
        secret: Secret,
        base_url: str = DEFAULT_BASE_URL,
        token_endpoint: TokenEndpoint = "stable",
        token_store: TokenStore | None = None,
        session: aiohttp.ClientSession | None = None,
        credentials: Mapping[str, Secret] | None = None,
    ) -> None:
        self.base_url = URL(base_url)
        self.appid = appid
        self._session = session
        self._owns_session = session is None
        self._token_endpoint: TokenEndpoint = token_endpoint
        self._token_store = token_store
        self._secrets: dict[str, Secret] = {appid: secret, **(credentials or {})}
        self._providers: dict[str, TokenProvider] = {}
        self._urls: dict[str, URL] = {}

    def __repr__(self) -> str:
        return f"HttpsTransport(base_url={str(self.base_url)!r}, appid={self.appid!r})"

    def session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop: ported code builds its
        # Cloud at import time, when no loop exists yet.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300),
                headers={"User-Agent": "cloudfn"},
            )
        return self._session

    def provider(self, appid: str | None = None) -> TokenProvider:
        appid = appid or self.appid
        provider = self._providers.get(appid)
        if provider is None:
            secret = self._secrets.get(appid)
            if secret is None:
                raise TransportError(
                    -601004,
                    f"no AppSecret configured for appid {appid}",
                    detail=(
                        f"appid: calling on behalf of {appid} needs its credentials. "
                        f"Fix: pass credentials={{{appid!r}: '<AppSecret>'}} to cloudfn.init()"
                    ),
                )
            provider = TokenProvider(
                appid=appid,
                secret=secret,
                base_url=str(self.base_url),
                session=self.session,
                endpoint=self._token_endpoint,
                store=self._token_store,
            )
            self._providers[appid] = provider
        return provider

    async def send(self, request: ApiRequest) -> ApiResponse:
        provider = self.provider(request.appid)
        try:
            token = await provider.get()
            response = await self._send_once(request, token)
            if rejected_token(response):
                log.info("%s: access token rejected, refreshing once", request.api)
                await provider.invalidate(token)
                token = await provider.get()
                response = await self._send_once(request, token)
            return response
        except TokenFetchError as exc:
            raise TransportError(
                exc.errcode,
                exc.errmsg,
                detail=(
                    f"access_token: the token endpoint refused appid {exc.appid} "
                    f"(errcode {exc.errcode}). Fix: check the AppID and AppSecret "
                    "(CLOUDFN_APPID / CLOUDFN_SECRET)"
                ),
            ) from None
        except aiohttp.ClientError as exc:
            # str(exc) may hold the request URL, with the token in its query.
            reason = redact(f"{type(exc).__name__}: {exc}")
            raise TransportError(
                NETWORK_ERROR,
                f"network error: {reason}",
                detail=f"base_url: could not reach {self.base_url}. Fix: check the URL and network",
            ) from None

    async def _send_once(self, request: ApiRequest, token: str) -> ApiResponse:
        url = self._urls.get(request.path)
        if url is None:
            url = self._urls[request.path] = self.base_url.with_path(request.path)
        query: dict[str, str] = {"access_token": token}
        session = self.session()
        if request.method == "GET":
            for key, value in (request.body or {}).items():
                query[key] = value if isinstance(value, str) else json.dumps(value)
            response_cm = session.get(url.with_query(query))
        else:
            response_cm = session.post(
                url.with_query(query),
                data=encode_body(request.body),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        async with response_cm as response:
            body = await response.read()
            log.debug("%s %s -> HTTP %s, %d bytes", request.method, request.path, response.status, len(body))
            return ApiResponse(
                status=response.status,
                content_type=response.headers.get("Content-Type", ""),
                body=body,
                headers=dict(response.headers),
            )

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None


__all__ = ["DEFAULT_BASE_URL", "HttpsTransport"]
