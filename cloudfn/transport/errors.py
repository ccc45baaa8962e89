"""What a transport raises instead of an answer, and the one place network exceptions become those.

A transport returns an :class:`~.base.ApiResponse` or raises a
:class:`TransportError`; only the call pipeline (:mod:`cloudfn.api.call`)
turns one into the CloudSDKError a caller sees. aiohttp's exceptions (and the
OS errors it wraps) are mapped by :func:`network_errors`, as httpx maps
httpcore's, so no transport catches them itself.
"""

from __future__ import annotations

from types import TracebackType

import aiohttp
from yarl import URL

from ..errors import NETWORK_ERROR
from ..redact import redact


class TransportError(Exception):
    """A failure below the API: network, credentials, the channel. Carries an SDK code.

    Messages must already be free of credentials when raised.
    """

    def __init__(self, code: int, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


class NetworkError(TransportError):
    """The server could not be reached, or the connection broke: no answer came."""


class ConnectError(NetworkError):
    """No connection was made (refused, unreachable, DNS): the request was provably never sent."""


class PlatformRefusal(TransportError):
    """The cloud platform refused the call before WeChat saw it (e.g. -604101, no permission).

    The Node SDK throws these as they come (``system error: error code: N``),
    without the ``openapi.<api>:fail`` prefix of other failures.
    """

    def __init__(self, code: int, *, detail: str | None = None) -> None:
        super().__init__(code, f"system error: error code: {code}", detail=detail)


class network_errors:
    """``with network_errors(url):`` maps aiohttp's exceptions to :class:`NetworkError` / :class:`ConnectError`.

    ``setting`` names where the unreachable URL came from, for the fix;
    ``str(exc)`` may hold a URL with a token, so it is redacted. A class, not a
    generator: it wraps every call, and entering it must cost next to nothing.
    """

    __slots__ = ("setting", "url")

    def __init__(self, url: URL, *, setting: str = "base_url") -> None:
        self.url = url
        self.setting = setting

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not isinstance(exc, aiohttp.ClientError):
            return
        reason = redact(f"{type(exc).__name__}: {exc}")
        # Certificate errors are not transient: a retry would fail the same way.
        never_sent = isinstance(exc, aiohttp.ClientConnectorError) and not isinstance(
            exc, aiohttp.ClientSSLError
        )
        error = (ConnectError if never_sent else NetworkError)(
            NETWORK_ERROR,
            f"network error: {reason}",
            detail=_what_failed(exc, self.url, self.setting, reason),
        )
        raise error from None


def _what_failed(exc: aiohttp.ClientError, url: URL, setting: str, reason: str) -> str:
    """The detail: a server that was reached but whose answer broke is not "could not reach"."""
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError):
        # The connection was made and the server started (or was about to start)
        # answering: the URL is right, the answer was lost on the way.
        return (
            f"{setting}: {url} was reached but its answer was cut short ({reason}). "
            "Fix: retry; if it keeps happening, check the server's logs or a proxy between"
        )
    if isinstance(exc, aiohttp.ClientResponseError):
        return (
            f"{setting}: {url} answered with something that is not valid HTTP ({reason}). "
            "Fix: check that the URL points at an HTTP API server"
        )
    return f"{setting}: could not reach {url}. Fix: check the URL and that the server runs"


__all__ = ["ConnectError", "NetworkError", "PlatformRefusal", "TransportError", "network_errors"]
