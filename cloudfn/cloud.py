"""``cloudfn.init()`` and the Cloud it returns: the Python face of wx-server-sdk."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

# The Node SDK's marker for "the env this function runs in".
from . import DYNAMIC_CURRENT_ENV, environment
from .api.call import CALL_TIMEOUT_S, OpenApiCaller
from .api.proxy import OpenApiProxy
from .api.registry import Registry, registry_with, user_spec_dirs
from .config import FunctionConfig
from .errors import CloudSDKError, ConfigError
from .redact import Secret
from .storage.client import Storage
from .tokens import DEFAULT_TOKEN_STORE, TokenStore, from_url
from .tokens.provider import TokenEndpoint
from .transport.base import ApiRequest, ApiResponse, FileContent, Transport
from .transport.cloudrun import DEFAULT_OPENAPI_BASE_URL, DEFAULT_TOKEN_FILE, CloudRunTransport
from .transport.errors import TransportError
from .transport.https import DEFAULT_BASE_URL, HttpsTransport
from .transport.retry import RetryPolicy

log = logging.getLogger("cloudfn")

# init(transport=...) / CLOUDFN_TRANSPORT: https (access_token), cloudrun (open-API
# service, no token), cloudrun-token (the platform's cloudbase_access_token file),
# tcb (the cloud platform's /admin channel, the Node SDK's own wire).
TRANSPORTS = ("https", "cloudrun", "cloudrun-token", "tcb")

if TYPE_CHECKING:
    from .database import Database
    from .sync import BlockingCloud

_FALSE_WORDS = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    """Everything init() resolved from arguments and the environment."""

    base_url: str = DEFAULT_BASE_URL
    appid: str | None = None
    secret: Secret = field(default_factory=lambda: Secret(""))
    config: FunctionConfig | None = None
    env: str | None = None
    timeout: float = CALL_TIMEOUT_S
    validate: bool = True
    token_endpoint: TokenEndpoint = "stable"
    credentials: Mapping[str, Secret] = field(default_factory=dict)
    channel: str = "https"  # the transport by name (TRANSPORTS); Cloud.transport is the instance
    token_store: str = field(default=DEFAULT_TOKEN_STORE, repr=False)  # a Redis URL may hold a password
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cloudrun_token_file: str = DEFAULT_TOKEN_FILE
    # Users' spec folders (init(specs=...) / CLOUDFN_SPECS), read after the shipped specs.
    specs: tuple[str, ...] = ()
    # The invocation environment the rest was resolved from (cloudfn.environment),
    # for transports that read platform variables themselves (tcb).
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def resolve(
        cls,
        *,
        config: str | Path | FunctionConfig | None,
        base_url: str | None,
        appid: str | None,
        secret: str | None,
        env: str | None,
        timeout: float | None,
        validate: bool | None,
        token_endpoint: TokenEndpoint | None,
        credentials: Mapping[str, str] | None,
        environ: Mapping[str, str],
        transport: str | None = None,
        token_store: str | None = None,
        retry: RetryPolicy | Mapping[str, Any] | None = None,
        cloudrun_token_file: str | None = None,
        specs: Sequence[str | Path] | None = None,
    ) -> Settings:
        config_source = config if config is not None else environ.get("CLOUDFN_CONFIG") or None
        loaded = (
            config_source
            if isinstance(config_source, FunctionConfig) or config_source is None
            else FunctionConfig.load(config_source)
        )
        if validate is None:
            validate = environ.get("CLOUDFN_VALIDATE", "1").strip().lower() not in _FALSE_WORDS
        endpoint = token_endpoint or environ.get("CLOUDFN_TOKEN_ENDPOINT") or "stable"
        if endpoint not in ("stable", "classic"):
            raise ValueError(
                f"token_endpoint: must be 'stable' (/cgi-bin/stable_token) or 'classic' "
                f"(/cgi-bin/token), got {endpoint!r}"
            )
        channel = (transport or environ.get("CLOUDFN_TRANSPORT") or "https").strip().lower()
        if channel not in TRANSPORTS:
            raise ValueError(
                f"transport: must be one of {', '.join(TRANSPORTS)}, got {channel!r}. Fix: pass one of "
                "those (https outside Cloud Run, cloudrun inside it) to cloudfn.init(transport=...) "
                "or CLOUDFN_TRANSPORT"
            )
        default_base = DEFAULT_OPENAPI_BASE_URL if channel == "cloudrun" else DEFAULT_BASE_URL
        if retry is None:
            policy = RetryPolicy.from_env(environ)
        elif isinstance(retry, RetryPolicy):
            policy = retry
        else:
            policy = RetryPolicy(**retry)
        if env == DYNAMIC_CURRENT_ENV or env is None:
            # The platform's variables first; CLOUDFN_ENV is cloudfn's own default (the runners set it).
            env = environ.get("TCB_ENV") or environ.get("SCF_NAMESPACE") or environ.get("CLOUDFN_ENV") or None
        return cls(
            base_url=(base_url or environ.get("CLOUDFN_BASE_URL") or default_base).rstrip("/"),
            appid=appid or environ.get("CLOUDFN_APPID") or None,
            secret=Secret(secret or environ.get("CLOUDFN_SECRET") or ""),
            config=loaded,
            env=env,
            timeout=float(timeout if timeout is not None else CALL_TIMEOUT_S),
            validate=validate,
            token_endpoint=endpoint,  # type: ignore[arg-type]
            credentials={k: Secret(v) for k, v in (credentials or {}).items()},
            channel=channel,
            token_store=token_store or environ.get("CLOUDFN_TOKEN_STORE") or DEFAULT_TOKEN_STORE,
            retry=policy,
            cloudrun_token_file=cloudrun_token_file
            or environ.get("CLOUDFN_CLOUDRUN_TOKEN_FILE")
            or DEFAULT_TOKEN_FILE,
            specs=tuple(str(d) for d in (specs if specs is not None else user_spec_dirs(environ))),
            environ=dict(environ),
        )


class _MissingCredentials:
    """Stands in for a transport when no AppID/AppSecret is known, failing each call clearly."""

    def __init__(self, missing: str) -> None:
        self.missing = missing

    async def send(self, request: ApiRequest) -> ApiResponse:
        raise self._error()

    async def storage(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        raise self._error()

    async def upload(self, ticket: Mapping[str, Any], cloud_path: str, content: FileContent) -> ApiResponse:
        raise self._error()

    async def fetch(self, url: str) -> ApiResponse:
        raise self._error()

    def _error(self) -> TransportError:
        variable = "CLOUDFN_APPID" if self.missing == "appid" else "CLOUDFN_SECRET"
        return TransportError(
            -601002,
            "system args error",
            detail=(
                f"{self.missing}: not configured. Fix: pass {self.missing}= to cloudfn.init() "
                f"or set {variable} (or run under `cloudfn invoke`, which starts an emulator)"
            ),
        )

    async def close(self) -> None:
        return None


class _LocalDatabaseRoute:
    """The database against a local emulator: the HTTPS database API, and /admin where it has none.

    WeChat's HTTPS database API has no transactions; the emulator's /admin
    serves those (with a warning), so a port runs locally as its Node original
    does on the platform. Against WeChat itself they are refused before sending.
    """

    def __init__(self, https: Any, admin: Any) -> None:
        self.https = https
        self.admin = admin

    async def database(
        self, action: str, params: dict[str, Any], *, env: str | None = None
    ) -> dict[str, Any]:
        from .dbstatement.https_api import serves

        answer: dict[str, Any]
        if serves(action, params):
            answer = await self.https.database(action, params, env=env)
            return answer
        log.warning(
            "%s: WeChat's HTTPS database API has none; the local emulator's /admin serves it "
            "(in production, use transport='tcb')",
            action,
        )
        answer = await self.admin.database(action, params, env=env)
        return answer


class Cloud:
    """One configured SDK instance: ``cloud.openapi``, one connection pool, closed once.

    Use ``async with cloudfn.init(...) as cloud`` or ``await cloud.close()``.
    Nothing is opened until the first call, so ``cloud = cloudfn.init()`` at
    module top level (as ported Node code does) is fine.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: Transport | None = None,
        registry: Registry | None = None,
        token_store: TokenStore | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry or registry_with(settings.specs)
        # init({throwOnNotFound: false}): document.get() of a missing document gives data None.
        self.throw_on_not_found = True
        # The emulator's /admin channel, when the transport has no database of its own.
        self._database_channel: Any = None
        # A store this Cloud made from a URL is closed with it; one passed in belongs to the caller.
        self._owned_store: TokenStore | None = None
        if (
            token_store is None
            and transport is None
            and settings.channel == "https"
            and settings.appid
            and settings.secret
        ):
            token_store = self._owned_store = from_url(settings.token_store)
        self.transport: Transport = transport or self._default_transport(settings, token_store)
        config = settings.config
        self._caller = OpenApiCaller(
            registry=self.registry,
            transport=self.transport,
            permissions=config.permissions if config is not None else None,
            permissions_source=config.permissions_source if config is not None else "config.json",
            validate=settings.validate,
            timeout=settings.timeout,
        )
        self.openapi = OpenApiProxy(self._caller)
        self.storage = Storage(self.transport, env=settings.env, timeout=settings.timeout)
        # The Node SDK's storage calls, by their Node names and Python ones.
        self.uploadFile = self.upload_file = self.storage.uploadFile
        self.downloadFile = self.download_file = self.storage.downloadFile
        self.getTempFileURL = self.get_temp_file_url = self.storage.getTempFileURL
        self.deleteFile = self.delete_file = self.storage.deleteFile

    @staticmethod
    def _default_transport(settings: Settings, token_store: TokenStore | None) -> Transport:
        if settings.channel == "tcb":
            from .transport.tcb import TcbTransport

            base_url = None if settings.base_url == DEFAULT_BASE_URL else settings.base_url
            return TcbTransport.from_environ(
                settings.environ or environment.current(), base_url=base_url, env=settings.env
            )
        if settings.channel in ("cloudrun", "cloudrun-token"):
            return CloudRunTransport(
                mode="openapi" if settings.channel == "cloudrun" else "token_file",
                base_url=settings.base_url,
                token_file=settings.cloudrun_token_file,
                retry=settings.retry,
                deadline=settings.timeout,
            )
        if not settings.appid:
            return _MissingCredentials("appid")
        if not settings.secret:
            return _MissingCredentials("secret")
        return HttpsTransport(
            appid=settings.appid,
            secret=settings.secret,
            base_url=settings.base_url,
            token_endpoint=settings.token_endpoint,
            token_store=token_store,
            credentials=settings.credentials,
            retry=settings.retry,
            deadline=settings.timeout,
            env=settings.env,
        )

    async def call(
        self,
        api: str,
        data: Mapping[str, Any] | None = None,
        *,
        appid: str | None = None,
        convert_case: bool = True,
    ) -> dict[str, Any]:
        """``cloud.call("logistics.updatePrinter", {...})``: the same as the attribute form."""
        return await self._caller.call(api, data, appid=appid, convert_case=convert_case)

    async def getOpenData(self, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``cloud.getOpenData({"list": [cloudID, ...]})``: each cloudID's open data, as the Node SDK answers."""
        from .api.open_data import get_open_data

        return await get_open_data(options, transport=self.transport, registry=self.registry)

    get_open_data = getOpenData

    async def callFunction(self, options: Any) -> dict[str, Any]:
        """``cloud.callFunction({"name": ..., "data": {...}})``: another cloud function's result.

        ``{"result": ..., "errMsg": "callFunction:ok", "requestID": ...}`` as the
        Node SDK returns it; a failure raises :class:`cloudfn.functions.FunctionCallError`
        (``errCode`` -1, ``errMsg`` ``callFunction:fail ...``), bad arguments a CloudSDKError.
        """
        from .functions.client import call_function

        return await call_function(self, options)

    call_function = callFunction

    def database(
        self,
        options: Mapping[str, Any] | None = None,
        /,
        *,
        env: str | None = None,
        throwOnNotFound: bool | None = None,
    ) -> Database:
        """``cloud.database()``, also ``cloud.database({"env": ..., "throwOnNotFound": False})``."""
        from .database import Database

        node_options = dict(options or {})
        env = env if env is not None else node_options.get("env")
        if env == DYNAMIC_CURRENT_ENV or isinstance(env, dict):
            env = None
        if throwOnNotFound is None and "throwOnNotFound" in node_options:
            throwOnNotFound = bool(node_options["throwOnNotFound"])
        if throwOnNotFound is None:
            throwOnNotFound = self.throw_on_not_found
        channel: Any = self.transport if hasattr(self.transport, "database") else self._admin_channel()
        if (
            self.settings.channel == "https"
            and channel is self.transport
            and self._admin_channel() is not None
        ):
            # A local emulator: WeChat's HTTPS database API where it can serve (it needs the env),
            # the emulator's /admin for the rest (transactions), as the Node SDK reaches it.
            if env or self.settings.env:
                channel = _LocalDatabaseRoute(channel, self._admin_channel())
            else:
                channel = self._admin_channel()
        missing = None
        if channel is None:
            missing = (
                f"cloud.database(): the {self.settings.channel} transport does not reach the database. "
                "Fix: cloudfn.init(transport='tcb') (the platform's /admin channel)"
            )
        return Database(
            channel,
            env=env or self.settings.env,
            throw_on_not_found=throwOnNotFound,
            timeout=self.settings.timeout,
            missing=missing,
        )

    def _admin_channel(self) -> Any:
        """The database of a local server (the emulator): its /admin channel, as the Node SDK reaches it.

        Used when this Cloud's transport has no database method and ``base_url``
        is not WeChat's, i.e. points at the emulator (``cloudfn invoke``,
        ``serve``, ``parity``, the pytest fixture), which serves /admin too.
        """
        if self._database_channel is None and self.settings.base_url != DEFAULT_BASE_URL:
            from .transport.tcb import TcbTransport

            self._database_channel = TcbTransport.from_environ(
                self.settings.environ or environment.current(),
                base_url=self.settings.base_url,
                env=self.settings.env,
            )
        return self._database_channel

    async def close(self) -> None:
        if self._database_channel is not None:
            await self._database_channel.close()
        await self.transport.close()
        if self._owned_store is not None:
            await self._owned_store.close()

    async def __aenter__(self) -> Cloud:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        s = self.settings
        return f"Cloud(base_url={s.base_url!r}, appid={s.appid!r}, env={s.env!r}, validate={s.validate})"

    @property
    def sync(self) -> BlockingCloud:
        """This Cloud for plain ``def`` handlers: ``cloud.sync.openapi.<ns>.<method>({...})`` blocks."""
        from .sync import BlockingCloud

        return BlockingCloud(self)


NOT_INITIALISED = (
    "Cloud API isn't enabled, please call init first\n"
    "请先调用 init 完成初始化后再调用其他云 API。init 方法可传入一个对象用于设置默认配置，详见文档。"
)

_current: Cloud | None = None


class _CurrentCloudCaller:
    """Routes module-level ``cloudfn.openapi`` calls to the Cloud the last ``init()`` made."""

    def call(self, api: str, data: Mapping[str, Any] | None, *, appid: str | None, convert_case: bool) -> Any:
        if _current is None:
            # Raised at call time, synchronously, as the Node SDK throws it.
            raise CloudSDKError(
                -1,
                NOT_INITIALISED,
                detail="init: no Cloud yet. Fix: call cloudfn.init() before cloudfn.openapi...",
            )
        return _current.call(api, data, appid=appid, convert_case=convert_case)


async def getOpenData(options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``cloudfn.getOpenData({...})`` on the Cloud the last ``init()`` made, as the Node SDK exports it."""
    if _current is None:
        raise CloudSDKError(
            -1, NOT_INITIALISED, detail="init: no Cloud yet. Fix: call cloudfn.init() before getOpenData"
        )
    return await _current.getOpenData(options)


async def callFunction(options: Any) -> dict[str, Any]:
    """Module-level ``cloudfn.callFunction(...)``: through the Cloud the last ``init()`` made."""
    if _current is None:
        raise CloudSDKError(
            -1,
            NOT_INITIALISED,
            detail="init: no Cloud yet. Fix: call cloudfn.init() before cloudfn.callFunction(...)",
        )
    return await _current.callFunction(options)


call_function = callFunction

# ``cloudfn.init(); cloudfn.openapi.logistics.updatePrinter(...)``, the Node shape.
openapi = OpenApiProxy(_CurrentCloudCaller())  # type: ignore[arg-type]


def init(
    options: Mapping[str, Any] | None = None,
    /,
    *,
    config: str | Path | FunctionConfig | None = None,
    base_url: str | None = None,
    appid: str | None = None,
    secret: str | None = None,
    env: str | None = None,
    timeout: float | None = None,
    validate: bool | None = None,
    token_endpoint: TokenEndpoint | None = None,
    token_store: TokenStore | str | None = None,
    credentials: Mapping[str, str] | None = None,
    transport: Transport | str | None = None,
    retry: RetryPolicy | Mapping[str, Any] | None = None,
    cloudrun_token_file: str | None = None,
    specs: Sequence[str | Path] | None = None,
) -> Cloud:
    """Create a Cloud, like ``cloud.init()`` in the Node SDK.

    ``options`` takes the Node SDK's own init object for ported code
    (``{"env": cloudfn.DYNAMIC_CURRENT_ENV, "timeout": 15000}``, timeout in ms);
    keyword arguments are the Python form (timeout in seconds). Anything not
    given comes from ``CLOUDFN_BASE_URL``, ``CLOUDFN_APPID``, ``CLOUDFN_SECRET``,
    ``CLOUDFN_CONFIG``, ``CLOUDFN_VALIDATE`` and ``CLOUDFN_TOKEN_ENDPOINT``.

    Production (docs/production.md): ``token_store`` is a store or a URL
    (``memory://``, ``file:///dir``, ``redis://host:6379/0?prefix=app:``;
    ``CLOUDFN_TOKEN_STORE``); ``transport`` is a Transport or one of ``https``,
    ``cloudrun``, ``cloudrun-token``, ``tcb`` (``CLOUDFN_TRANSPORT``); ``retry`` a
    RetryPolicy or its fields (``CLOUDFN_RETRY_*``).

    ``specs`` adds APIs: folders of the user's own holding
    ``<namespace>/<method>.json`` spec files in the shipped format
    (``CLOUDFN_SPECS``, folders joined by ``os.pathsep``); a user's spec wins
    over a shipped one of the same name.
    """
    node_options = dict(options or {})
    if env is None and "env" in node_options:
        raw_env = node_options["env"]
        env = raw_env if isinstance(raw_env, str) else (raw_env or {}).get("default")
    if timeout is None and "timeout" in node_options:
        try:
            timeout = float(node_options["timeout"]) / 1000.0
        except (TypeError, ValueError):
            raise ConfigError(
                f"init options: timeout must be milliseconds (a number), got {node_options['timeout']!r}. "
                'Fix: e.g. cloudfn.init({"timeout": 15000}) or cloudfn.init(timeout=15) in seconds'
            ) from None
    settings = Settings.resolve(
        config=config,
        base_url=base_url,
        appid=appid,
        secret=secret,
        env=env,
        timeout=timeout,
        validate=validate,
        token_endpoint=token_endpoint,
        credentials=credentials,
        # The runner's overlay (its emulator or credentials) reaches ported code's
        # top-level init() without code changes.
        environ=environment.current(),
        transport=transport if isinstance(transport, str) else None,
        token_store=token_store if isinstance(token_store, str) else None,
        retry=retry,
        cloudrun_token_file=cloudrun_token_file,
        specs=specs,
    )
    global _current
    _current = Cloud(
        settings,
        transport=None if isinstance(transport, str) else transport,
        token_store=None if isinstance(token_store, str) else token_store,
    )
    if "throwOnNotFound" in node_options:
        _current.throw_on_not_found = bool(node_options["throwOnNotFound"])
    return _current


__all__ = ["DYNAMIC_CURRENT_ENV", "Cloud", "CloudSDKError", "Settings", "getOpenData", "init"]
