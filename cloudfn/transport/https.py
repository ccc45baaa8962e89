"""The HTTPS transport: WeChat's server API (or the emulator) with an access token."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp
from yarl import URL

from ..errors import SYSTEM_ERROR
from ..redact import Secret
from ..tokens import TokenFetchError, TokenProvider, TokenStore, TokenStoreError
from ..tokens.provider import TokenEndpoint
from .answers import rejected_token
from .base import ApiRequest, ApiResponse
from .errors import TransportError, network_errors
from .retry import RetryPolicy, send_with_retries
from .session import LazySession
from .wechat_storage import WeChatStorage
from .wire import exchange

log = logging.getLogger("cloudfn.transport.https")

DEFAULT_BASE_URL = "https://api.weixin.qq.com"


class HttpsTransport(WeChatStorage):
    """Sends API requests with ``?access_token=`` from a :class:`TokenProvider`.

    When the server rejects the token (40001/40014/42001) the token is dropped
    from the shared cache and the call is sent once more with a fresh one.
    Transient failures are retried by ``retry`` (see :mod:`.retry`), never
    past ``deadline`` seconds from the start of the call. Storage goes through
    WeChat's HTTPS storage APIs (:mod:`.wechat_storage`).
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
        retry: RetryPolicy | None = None,
        deadline: float | None = None,
        env: str | None = None,
    ) -> None:
        self.base_url = URL(base_url)
        self.env = env  # the cloud environment the database API works in
        self.retry = retry if retry is not None else RetryPolicy()
        self.deadline = deadline
        self.appid = appid
        # Callable: the pooled session, opened on first use.
        self.session = LazySession(session)
        self._token_endpoint: TokenEndpoint = token_endpoint
        self._token_store = token_store
        self._secrets: dict[str, Secret] = {appid: secret, **(credentials or {})}
        self._providers: dict[str, TokenProvider] = {}
        self._urls: dict[str, URL] = {}

    def __repr__(self) -> str:
        return f"HttpsTransport(base_url={str(self.base_url)!r}, appid={self.appid!r})"

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
        refreshed = False  # one refresh per call, however many retries

        async def attempt() -> ApiResponse:
            nonlocal refreshed
            with network_errors(self.base_url):
                token = provider.current() or await provider.get()
                response = await exchange(
                    self.session(), self._url(request.path), request, {"access_token": token}
                )
                if rejected_token(response) and not refreshed:
                    refreshed = True
                    log.info("%s: access token rejected, refreshing once", request.api)
                    await provider.invalidate(token)
                    fresh = await provider.get()
                    if fresh == token:
                        # The endpoint handed back the token just rejected (stable_token
                        # does while it still thinks it valid): resending cannot help.
                        return response
                    response = await exchange(
                        self.session(), self._url(request.path), request, {"access_token": fresh}
                    )
                return response

        deadline = asyncio.get_running_loop().time() + self.deadline if self.deadline else None
        try:
            return await send_with_retries(self.retry, attempt, deadline=deadline, what=request.api)
        except TokenFetchError as exc:
            if exc.transient:
                detail = (
                    f"access_token: the token endpoint failed for appid {exc.appid} "
                    f"(HTTP {exc.status}, errcode {exc.errcode}) on every attempt. Fix: retry later"
                )
            else:
                detail = (
                    f"access_token: the token endpoint refused appid {exc.appid} "
                    f"(errcode {exc.errcode}). Fix: check the AppID and AppSecret "
                    "(CLOUDFN_APPID / CLOUDFN_SECRET)"
                )
            raise TransportError(exc.errcode, exc.errmsg, detail=detail) from None
        except TokenStoreError as exc:
            raise TransportError(SYSTEM_ERROR, "system error", detail=str(exc)) from None

    async def database(
        self, action: str, params: dict[str, Any], *, env: str | None = None
    ) -> dict[str, Any]:
        """One Node SDK database action through WeChat's HTTPS database API.

        The action becomes a statement (``db.collection("x").where({...}).get()``)
        posted to ``/tcb/database<op>``; the answer is returned as the
        ``/admin`` channel gives it (``{"requestId", "data": {...}}`` or
        ``{"code", "message"}``), so the database client reads both alike.
        """
        # Imported here: the statement parser loads tree-sitter, which plain cloud calls never need.
        from ..dbstatement import StatementError
        from ..dbstatement.https_api import TCB_ERR_CODE, https_call, platform_answer

        env_name = env or self.env
        if not env_name:
            raise TransportError(
                TCB_ERR_CODE["INVALIID_ENV"],
                "env is required",
                detail=(
                    f"{action}: the HTTPS database API needs the cloud environment id. "
                    "Fix: cloudfn.init(env='<env id>') or set TCB_ENV"
                ),
            )
        try:
            call = https_call(action, params, env_name)
        except StatementError as exc:
            raise TransportError(TCB_ERR_CODE["INVALID_PARAM"], exc.errmsg, detail=exc.errmsg) from None
        response = await self.send(ApiRequest(api=call.api, method="POST", path=call.path, body=call.body))
        try:
            answer: Any = json.loads(response.body)
        except ValueError:
            answer = None
        if response.status != 200 or not isinstance(answer, dict):
            raise TransportError(
                SYSTEM_ERROR,
                f"unknown response from {call.path} (HTTP {response.status})",
                detail=f"{action}: {call.path} did not answer a JSON object",
            )
        return platform_answer(action, answer)

    def _url(self, path: str) -> URL:
        """The API's URL, built once per path, not per call."""
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = self.base_url.with_path(path)
        return url

    async def close(self) -> None:
        await self.session.close()


__all__ = ["DEFAULT_BASE_URL", "HttpsTransport"]
