"""FileTokenStore: one machine, many processes (gunicorn workers, several `cloudfn serve`s).

Tokens live as small JSON files in one directory, replaced atomically
(temp file + ``os.replace``) so a reader never sees half a file and can read
without the lock. Fetching is serialised by an OS file lock (filelock, flock
on POSIX): the kernel drops it when its holder dies, so a crashed process
never blocks the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import filelock

from ..atomic_file import write_atomically
from ..loop_local import LoopLocks
from .store import CachedToken, TokenStoreError

log = logging.getLogger("cloudfn.tokens")

DEFAULT_LOCK_WAIT_S = 10.0
_POLL_S = 0.02
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class FileTokenStore:
    """Tokens in ``directory``, one ``<key>.json`` (mode 0600) and one ``<key>.lock`` per key."""

    def __init__(self, directory: str | os.PathLike[str], *, lock_wait: float = DEFAULT_LOCK_WAIT_S) -> None:
        self.directory = Path(directory)
        self.lock_wait = lock_wait
        # filelock is re-entrant per thread, so coroutines of one process are
        # kept apart by an asyncio lock before they reach the file lock.
        self._local_locks = LoopLocks()

    def __repr__(self) -> str:
        return f"FileTokenStore(directory={str(self.directory)!r})"

    def _stem(self, key: str) -> str:
        # Readable but safe file names; the digest keeps distinct keys distinct.
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        return f"{_UNSAFE.sub('_', key)[:80]}-{digest}"

    def _token_path(self, key: str) -> Path:
        return self.directory / f"{self._stem(key)}.json"

    async def load(self, key: str) -> CachedToken | None:
        try:
            raw = self._token_path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._error("reading", exc) from None
        try:
            document = json.loads(raw)
            return CachedToken(str(document["value"]), float(document["expires_at"]))
        except (ValueError, KeyError, TypeError):
            log.warning("token file for %s is unreadable; fetching a new token", key)
            return None

    def _error(self, doing: str, exc: OSError) -> TokenStoreError:
        return TokenStoreError(
            f"token_store: {doing} {self.directory} failed ({exc.strerror}). "
            "Fix: point file:// at a directory this user can write, e.g. file:///tmp/cloudfn-tokens"
        )

    async def save(self, key: str, token: CachedToken) -> None:
        try:
            self._save(key, token)
        except OSError as exc:
            raise self._error("writing to", exc) from None

    def _save(self, key: str, token: CachedToken) -> None:
        payload = json.dumps({"value": token.value, "expires_at": token.expires_at}).encode()
        # Mode 0600: only this user reads tokens.
        write_atomically(self._token_path(key), payload, temp_prefix=".token-")

    async def discard(self, key: str, value: str) -> None:
        # Compare-and-delete under the lock: a token saved by another process
        # in between must not be deleted, or the fleet would fetch twice.
        async with self.lock(key):
            current = await self.load(key)
            if current is not None and current.value == value:
                try:
                    self._token_path(key).unlink(missing_ok=True)
                except OSError as exc:
                    raise self._error("removing", exc) from None

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        try:
            # Owner-only: the lock and token files' names carry the AppID and host.
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error("creating", exc) from None
        local = self._local_locks(key)
        async with local:
            file_lock = filelock.FileLock(self.directory / f"{self._stem(key)}.lock", timeout=0, mode=0o600)
            loop = asyncio.get_running_loop()
            give_up = loop.time() + self.lock_wait
            acquired = False
            while True:
                try:
                    file_lock.acquire(timeout=0)  # one non-blocking try: never blocks the event loop
                    acquired = True
                    break
                except filelock.Timeout:
                    if loop.time() >= give_up:
                        break
                    await asyncio.sleep(_POLL_S)
                except OSError as exc:  # after Timeout, which is an OSError too
                    raise self._error("locking in", exc) from None
            if not acquired:
                # A live holder stuck for lock_wait: serve this call rather than
                # stall, at the price of one extra token fetch.
                log.warning(
                    "token lock for %s still held after %gs; fetching without it", key, self.lock_wait
                )
            try:
                yield
            finally:
                if acquired:
                    file_lock.release()

    async def close(self) -> None:
        return None
