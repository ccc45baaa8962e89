"""The blocking facade: storage calls from plain ``def`` code, same results and errors."""

from __future__ import annotations

import asyncio

import pytest

import cloudfn
from cloudfn.emulator.server import RunningEmulator
from cloudfn.storage.errors import StorageSDKError
from tests.support.storage import ENV


async def test_blocking_storage_calls(emulator: RunningEmulator) -> None:
    cloud = cloudfn.init(env=ENV, base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret)

    def handler() -> tuple[dict, dict, dict, dict]:
        blocking = cloud.sync
        uploaded = blocking.uploadFile({"cloudPath": "sync/a.txt", "fileContent": b"blocking"})
        link = blocking.getTempFileURL({"fileList": [uploaded["fileID"]]})
        content = blocking.download_file(fileID=uploaded["fileID"])
        deleted = blocking.deleteFile({"fileList": [uploaded["fileID"]]})
        with pytest.raises(StorageSDKError):
            blocking.uploadFile({"cloudPath": "../x", "fileContent": b"x"})
        return uploaded, link, content, deleted

    uploaded, link, content, deleted = await asyncio.to_thread(handler)
    assert uploaded["errMsg"] == "uploadFile:ok"
    assert link["fileList"][0]["status"] == 0
    assert content["fileContent"] == b"blocking"
    assert deleted["fileList"][0]["status"] == 0
    assert emulator.state.storage.snapshot() == {}
    await asyncio.to_thread(cloud.sync.close)
