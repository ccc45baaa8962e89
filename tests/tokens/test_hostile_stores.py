"""Token stores facing hostile conditions: private files, a clear word for a bad URL, a hung Redis named."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

import cloudfn
from cloudfn import CloudSDKError
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import ConfigError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_file_store_directory_and_lock_files_are_owner_only(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    directory = tmp_path / "tokens"
    async with cloudfn.init(
        base_url=emulator.base_url,
        appid=emulator.appid,
        secret=emulator.secret,
        token_store=f"file://{directory}",
    ) as cloud:
        await cloud.openapi.logistics.getAllDelivery({})
    files = list(directory.iterdir())
    assert mode(directory) == 0o700
    assert any(f.suffix == ".lock" for f in files), files
    for file in files:  # names carry the AppID and host: neither they nor the tokens are for others
        assert mode(file) == 0o600, (file, oct(mode(file)))


@pytest.mark.parametrize("url", ["file://relative", "file://tokens/dir"])
def test_a_relative_file_url_says_what_happened(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        cloudfn.init(appid="wx0123456789abcdef", secret="s", token_store=url)
    message = str(caught.value)
    assert "names the host" in message and "three slashes" in message and "Fix: file:///" in message


@pytest.mark.parametrize("call_timeout", [20, 1])
async def test_a_hung_redis_is_named_as_the_token_store(
    emulator: RunningEmulator, call_timeout: float
) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def tarpit(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # accept, read, never answer

    server = await asyncio.start_server(tarpit, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with cloudfn.init(
            base_url=emulator.base_url,
            appid=emulator.appid,
            secret=emulator.secret,
            token_store=f"redis://127.0.0.1:{port}/0?prefix=cloudfn-harden-tarpit:",
            timeout=call_timeout,
        ) as cloud:
            with pytest.raises(CloudSDKError) as caught:
                await cloud.openapi.logistics.getAllDelivery({})
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
    detail = caught.value.detail or ""
    if call_timeout > 5:  # the store's own socket timeout ends it first: the store is named
        assert "token_store: Redis failed" in detail and "TimeoutError" in detail, detail
    else:  # the call's timeout ends it first: the detail does not blame the API server alone
        assert caught.value.errCode == -604102
        assert "token store" in detail and "Fix:" in detail, detail
    assert "the server did not answer" not in detail
