"""Token stores over their real backends: the contract, URLs, locks that survive a crashed holder."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

import cloudfn
from cloudfn.emulator.server import run_emulator
from cloudfn.errors import CloudSDKError, ConfigError
from cloudfn.redact import Secret
from cloudfn.tokens import (
    CachedToken,
    MemoryTokenStore,
    TokenProvider,
    TokenStore,
    TokenStoreError,
    from_url,
)
from cloudfn.tokens.file import FileTokenStore
from cloudfn.tokens.redis import RedisTokenStore
from tests.support.tokens import REDIS_URL, redis_prefix

BOUND_S = 30.0


@asynccontextmanager
async def open_store(kind: str, tmp_path: Path) -> AsyncIterator[tuple[TokenStore, TokenStore]]:
    """Two handles on one store, as two processes would hold (memory: the same object)."""
    if kind == "memory":
        store = MemoryTokenStore()
        yield store, store
    elif kind == "file":
        yield FileTokenStore(tmp_path / "tokens"), FileTokenStore(tmp_path / "tokens")
    else:
        async with redis_prefix() as prefix:
            first = RedisTokenStore(REDIS_URL, prefix=prefix)
            second = RedisTokenStore(REDIS_URL, prefix=prefix)
            try:
                yield first, second
            finally:
                await first.close()
                await second.close()


STORES = ["memory", "file", "redis"]


@pytest.mark.parametrize("kind", STORES)
async def test_store_saves_loads_and_discards_only_the_named_token(kind: str, tmp_path: Path) -> None:
    async with open_store(kind, tmp_path) as (one, other):
        assert await one.load("k") is None
        token = CachedToken("a" * 512, time.time() + 600)  # WeChat: storage must allow 512 chars
        await one.save("k", token)
        assert await other.load("k") == token
        await other.discard("k", "not-the-current-token")
        assert await one.load("k") == token
        await other.discard("k", token.value)
        assert await one.load("k") is None
        assert "a" * 16 not in repr(one)


@pytest.mark.parametrize("kind", STORES)
async def test_store_lock_excludes_a_second_holder(kind: str, tmp_path: Path) -> None:
    async with open_store(kind, tmp_path) as (one, other):
        events: list[str] = []

        async def hold(store: TokenStore, name: str) -> None:
            async with store.lock("k"):
                events.append(f"{name} in")
                await asyncio.sleep(0.2)
                events.append(f"{name} out")

        async with asyncio.timeout(BOUND_S):
            first = asyncio.create_task(hold(one, "first"))
            await asyncio.sleep(0.05)
            await asyncio.gather(first, hold(other, "second"))
        assert events == ["first in", "first out", "second in", "second out"]


def test_from_url_picks_the_store() -> None:
    assert isinstance(from_url(None), MemoryTokenStore)
    assert isinstance(from_url("memory://"), MemoryTokenStore)
    file_store = from_url("file:///var/tmp/cloudfn-tokens?lock_wait=3")
    assert isinstance(file_store, FileTokenStore)
    assert file_store.directory == Path("/var/tmp/cloudfn-tokens")
    assert file_store.lock_wait == 3
    redis_store = from_url("redis://:hunter2pass@127.0.0.1:6379/0?prefix=myapp:&lock_ttl=5")
    assert isinstance(redis_store, RedisTokenStore)
    assert redis_store.prefix == "myapp:"
    assert redis_store.lock_ttl == 5
    assert "hunter2pass" not in repr(redis_store)


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("mongodb://db/x", ["token_store", "memory://", "redis://"]),
        ("file://relative", ["token_store", "file:///"]),
        ("redis://127.0.0.1:6379/0?lock_ttl=-1", ["lock_ttl", "> 0"]),
    ],
)
def test_from_url_refuses_what_it_cannot_use(url: str, names: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        from_url(url)
    for name in names:
        assert name in str(caught.value)


def test_redis_store_without_redis_names_the_extra(tmp_path: Path) -> None:
    # A child interpreter where `import redis` fails, as on a host without the extra.
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "__init__.py").write_text("raise ImportError('no redis here')\n")
    code = (
        "import cloudfn.tokens as t\n"
        "try:\n    t.from_url('redis://127.0.0.1:6379/0')\n"
        "except Exception as e:\n    print(type(e).__name__, e)\n"
    )
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert "ConfigError" in out.stdout
    assert "pip install 'cloudfn[redis]'" in out.stdout


async def test_unreachable_redis_is_a_clear_error_without_the_password() -> None:
    async with run_emulator() as emulator:
        store_url = "redis://:hunter2pass@127.0.0.1:1/0?lock_wait=1"
        async with cloudfn.init(
            base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, token_store=store_url
        ) as cloud:
            with pytest.raises(CloudSDKError) as caught:
                await cloud.openapi.logistics.getPrinter()
    error = caught.value
    assert error.errCode == -601001
    assert "token_store" in str(error) and "Redis" in str(error)
    assert "hunter2pass" not in str(error) + repr(error)


async def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    store = FileTokenStore(blocker / "tokens")
    with pytest.raises(TokenStoreError) as caught:
        await store.save("k", CachedToken("v" * 20, time.time() + 60))
    assert "token_store" in str(caught.value) and "Fix" in str(caught.value)


HOLD_LOCK_AND_HANG = """
import asyncio, sys
from cloudfn.tokens import from_url

async def main():
    store = from_url(sys.argv[1])
    lock = store.lock(sys.argv[2])
    await lock.__aenter__()
    print("locked", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


@pytest.mark.parametrize("kind", ["file", "redis"])
async def test_a_crashed_lock_holder_does_not_block_the_fleet(kind: str, tmp_path: Path) -> None:
    async with run_emulator() as emulator, redis_prefix() as prefix:
        url = (
            f"file://{tmp_path / 'tokens'}"
            if kind == "file"
            else f"{REDIS_URL}?prefix={prefix}&lock_ttl=1&lock_wait=20"
        )
        store = from_url(url)
        async with aiohttp.ClientSession() as session:
            provider = TokenProvider(
                appid=emulator.appid,
                secret=Secret(emulator.secret),
                base_url=emulator.base_url,
                session=lambda: session,
                store=store,
            )
            holder = await asyncio.create_subprocess_exec(
                sys.executable, "-c", HOLD_LOCK_AND_HANG, url, provider.key, stdout=asyncio.subprocess.PIPE
            )
            try:
                assert holder.stdout is not None
                async with asyncio.timeout(BOUND_S):
                    assert (await holder.stdout.readline()).strip() == b"locked"
                holder.send_signal(signal.SIGKILL)  # dies holding the lock
                await holder.wait()
                async with asyncio.timeout(BOUND_S):
                    token = await provider.get()
            finally:
                if holder.returncode is None:
                    holder.kill()
                    await holder.wait()
                await store.close()
        assert token
        assert emulator.state.token_requests == 1


async def test_redis_lock_expires_while_its_holder_hangs() -> None:
    """Alive but stuck (not crashed): the lock's expiry lets another host fetch."""
    async with run_emulator() as emulator, redis_prefix() as prefix, aiohttp.ClientSession() as session:
        stuck = RedisTokenStore(REDIS_URL, prefix=prefix, lock_ttl=0.5)
        healthy = RedisTokenStore(REDIS_URL, prefix=prefix, lock_wait=20)
        provider = TokenProvider(
            appid=emulator.appid,
            secret=Secret(emulator.secret),
            base_url=emulator.base_url,
            session=lambda: session,
            store=healthy,
        )
        try:
            async with asyncio.timeout(BOUND_S), stuck.lock(provider.key):
                token = await provider.get()  # waits out the stuck holder's lock_ttl
        finally:
            await stuck.close()
            await healthy.close()
        assert token
        assert emulator.state.token_requests == 1
