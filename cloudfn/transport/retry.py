"""When and how a transport tries a request again.

Retried: errcode -1 (system busy), HTTP 5xx, and connection failures that
prove the request never reached the server (the TCP connection was never
made). Never retried: any other errcode (4xxxx client errors, quotas),
timeouts, and connections that broke after the request was sent — the server
may have acted on it, and a second send could apply it twice.

Backoff is exponential with full jitter (AWS's "Exponential Backoff and
Jitter"), bounded by ``attempts`` and by the call's deadline: a retry that
would end after the deadline is not started, and the last real answer is
returned instead of a timeout.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..tokens import TokenFetchError
from .answers import system_busy
from .base import ApiResponse
from .errors import ConnectError

log = logging.getLogger("cloudfn.transport.retry")


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all (1 = no retry); delays grow ``backoff * 2**n`` up to ``max_backoff``."""

    attempts: int = 3
    backoff: float = 0.1
    max_backoff: float = 2.0
    jitter: bool = True
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.attempts, int) or self.attempts < 1:
            raise ConfigError(
                f"retry.attempts: must be an integer >= 1 (1 turns retries off), got {self.attempts!r}. "
                "Fix: e.g. RetryPolicy(attempts=3) or CLOUDFN_RETRY_ATTEMPTS=3"
            )
        for name in ("backoff", "max_backoff"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"retry.{name}: must be seconds >= 0, got {value!r}. Fix: e.g. {name}=0.1")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> RetryPolicy:
        """``CLOUDFN_RETRY_ATTEMPTS``, ``CLOUDFN_RETRY_BACKOFF``, ``CLOUDFN_RETRY_MAX_BACKOFF``."""
        values: dict[str, float | int] = {}
        for name, variable, kind in (
            ("attempts", "CLOUDFN_RETRY_ATTEMPTS", int),
            ("backoff", "CLOUDFN_RETRY_BACKOFF", float),
            ("max_backoff", "CLOUDFN_RETRY_MAX_BACKOFF", float),
        ):
            raw = environ.get(variable)
            if raw:
                try:
                    values[name] = kind(raw)
                except ValueError:
                    raise ConfigError(
                        f"{variable}: expected {'a whole number' if kind is int else 'a number of seconds'}, "
                        f"got {raw!r}. Fix: e.g. {variable}={'3' if kind is int else '0.1'}, or unset it"
                    ) from None
        return cls(**values)  # type: ignore[arg-type]

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1, 2, ...)."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** (retry - 1))
        return self.rng.uniform(0, ceiling) if self.jitter else ceiling


def retryable_response(response: ApiResponse) -> bool:
    """HTTP 5xx, or a JSON answer with errcode -1 (system busy)."""
    if response.status >= 500:
        return True
    return system_busy(response)


def retryable_error(exc: BaseException) -> bool:
    """A failure after which the request provably never reached the server."""
    if isinstance(exc, TokenFetchError):
        return exc.transient  # no API request was sent at all
    # Connection refused / unreachable / DNS: no connection, so nothing was sent.
    # Broken connections are not provably unsent (see errors.network_errors).
    return isinstance(exc, ConnectError)


async def send_with_retries(
    policy: RetryPolicy,
    attempt: Callable[[], Awaitable[ApiResponse]],
    *,
    deadline: float | None,
    what: str,
) -> ApiResponse:
    """Run ``attempt`` until it gives a final answer, retrying transient failures.

    ``deadline`` is an event-loop time (``loop.time()``) after which no retry starts.
    Exceptions that are not retryable propagate at once; after the last
    attempt the last answer is returned (or the last error raised).
    """
    tries = 0
    while True:
        tries += 1
        try:
            response = await attempt()
        except Exception as exc:
            if not retryable_error(exc):
                raise
            delay = policy.delay(tries)  # drawn only when a retry is considered: off the hot path
            if not _may_retry(policy, tries, delay, deadline, what):
                raise
            log.info("%s: attempt %d failed (%s), retrying", what, tries, type(exc).__name__)
        else:
            if not retryable_response(response):
                return response
            delay = policy.delay(tries)
            if not _may_retry(policy, tries, delay, deadline, what):
                return response
            log.info("%s: attempt %d answered HTTP %s / system busy, retrying", what, tries, response.status)
        await asyncio.sleep(delay)


def _may_retry(policy: RetryPolicy, tries: int, delay: float, deadline: float | None, what: str) -> bool:
    if tries >= policy.attempts:
        log.info("%s: giving up after %d attempts", what, tries)
        return False
    if deadline is not None and asyncio.get_running_loop().time() + delay >= deadline:
        log.info("%s: giving up after %d attempts, the call's deadline is near", what, tries)
        return False
    return True


__all__ = [
    "RetryPolicy",
    "retryable_error",
    "retryable_response",
    "send_with_retries",
]
