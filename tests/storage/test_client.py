"""The Python client over both transports against a real emulator: results, streaming, errors."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

from cloudfn import CloudSDKError
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from cloudfn.storage.errors import StorageSDKError
from cloudfn.storage.fileid import file_id
from tests.support.storage import ENV, OTHER_ENV, missing_id, storage_requests


async def test_upload_then_every_call(
    storage_cloud: Cloud, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    uploaded = await storage_cloud.uploadFile({"cloudPath": "qr/code.png", "fileContent": b"\x89PNG data"})
    expected_id = f"cloud://{ENV}.{ENV[:2].encode().hex()}-{ENV}-1300000000/qr/code.png"
    assert uploaded == {"fileID": expected_id, "statusCode": -1, "errMsg": "uploadFile:ok"}
    assert emulator.state.storage.files.read(ENV, "qr/code.png") == b"\x89PNG data"

    links = await storage_cloud.getTempFileURL(
        {"fileList": [expected_id, {"fileID": expected_id, "maxAge": 120}]}
    )
    assert links["errMsg"] == "getTempFileURL:ok"
    first, second = links["fileList"]
    assert [list(first), first["status"], first["maxAge"], second["maxAge"]] == [
        ["fileID", "status", "errMsg", "maxAge", "tempFileURL"],
        0,
        86400,
        120,
    ]
    async with http.get(second["tempFileURL"]) as response:
        assert (response.status, await response.read()) == (200, b"\x89PNG data")
        assert response.headers["Content-Type"] == "image/png"

    downloaded = await storage_cloud.downloadFile({"fileID": expected_id})
    assert downloaded == {"fileContent": b"\x89PNG data", "statusCode": 200, "errMsg": "downloadFile:ok"}

    deleted = await storage_cloud.deleteFile({"fileList": [expected_id, expected_id]})
    assert deleted == {
        "fileList": [
            {"fileID": expected_id, "status": 0, "errMsg": "ok"},
            {"fileID": expected_id, "status": -503003, "errMsg": "storage file not exists"},
        ],
        "errMsg": "deleteFile:ok",
    }
    assert emulator.state.storage.snapshot() == {}


async def test_python_names_and_keyword_arguments(storage_cloud: Cloud) -> None:
    result = await storage_cloud.upload_file(cloudPath="a.txt", fileContent=b"kw")
    content = await storage_cloud.download_file(fileID=result["fileID"])
    assert content["fileContent"] == b"kw"


def _generator() -> Iterator[bytes]:
    yield b"one,"
    yield bytearray(b"two,")
    yield b"three"


async def _async_generator() -> AsyncIterator[bytes]:
    for part in (b"a" * 300_000, b"b" * 300_000):
        yield part


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (lambda: b"", b""),
        (lambda: bytearray(b"mutable"), b"mutable"),
        (lambda: io.BytesIO(b"x" * 700_000), b"x" * 700_000),
        (_generator, b"one,two,three"),
        (_async_generator, b"a" * 300_000 + b"b" * 300_000),
    ],
    ids=["empty", "bytearray", "file object", "iterator", "async iterator"],
)
async def test_content_kinds(
    storage_cloud: Cloud, emulator: RunningEmulator, content: Callable[[], object], expected: bytes
) -> None:
    await storage_cloud.uploadFile({"cloudPath": "kinds/file.bin", "fileContent": content()})
    stored = emulator.state.storage.files.get(ENV, "kinds/file.bin")
    assert stored is not None
    digest = emulator.state.storage.files.digest(ENV, "kinds/file.bin")
    assert (stored.size, digest) == (len(expected), hashlib.sha256(expected).hexdigest())


async def test_a_file_on_disk_is_streamed(
    storage_cloud: Cloud, emulator: RunningEmulator, tmp_path: Path
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    (tmp_path / "big.bin").write_bytes(data)
    with open(tmp_path / "big.bin", "rb") as handle:  # noqa: ASYNC230 - the file object is what is uploaded
        uploaded = await storage_cloud.uploadFile({"cloudPath": "big/数据.bin", "fileContent": handle})
    assert (await storage_cloud.downloadFile({"fileID": uploaded["fileID"]}))["fileContent"] == data


async def test_text_mode_file_is_refused_and_nothing_stored(
    storage_cloud: Cloud, emulator: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "t.txt").write_text("text")
    text_file = open(tmp_path / "t.txt")  # noqa: ASYNC230, SIM115 - the file object is what is uploaded
    with text_file as handle, pytest.raises(StorageSDKError) as caught:
        await storage_cloud.uploadFile({"cloudPath": "t.txt", "fileContent": handle})
    assert (
        caught.value.errMsg
        == "uploadFile:fail [node-sdk] fileContent should be instance of fs.ReadStream or Buffer"
    )
    assert "open(path, 'rb')" in str(caught.value)
    assert emulator.state.storage.snapshot() == {}


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("", "cloudPath is empty"),
        ("a/../b.txt", "'..'"),
        ("../b.txt", "'..'"),
        ("/abs.txt", "starts with '/'"),
        ("a//b.txt", "empty segment"),
        ("a b.txt", "holds ' '"),
        ("x" * 851, "more than 850"),
    ],
)
async def test_bad_cloud_path_is_refused_locally(
    storage_cloud: Cloud, emulator: RunningEmulator, path: str, rule: str
) -> None:
    with pytest.raises(StorageSDKError) as caught:
        await storage_cloud.uploadFile({"cloudPath": path, "fileContent": b"x"})
    error = caught.value
    assert (error.errCode, error.code) == (-1, "INVALID_PARAM")
    assert error.errMsg.startswith("uploadFile:fail path: cloudPath")
    assert rule in error.errMsg and "Fix:" in error.errMsg
    assert list(error.to_json()) == ["code", "requestId", "errCode", "errMsg"]
    assert storage_requests(emulator) == []  # never sent
    assert emulator.state.storage.snapshot() == {}


async def test_argument_errors_match_the_node_sdk(storage_cloud: Cloud, emulator: RunningEmulator) -> None:
    cases = [
        (
            storage_cloud.uploadFile({"fileContent": b"x"}),
            {"errCode": -1, "errMsg": "parameter.cloudPath should be string instead of undefined;"},
        ),
        (
            storage_cloud.uploadFile({"cloudPath": "a"}),
            {
                "errCode": -1,
                "errMsg": "uploadFile:fail Type of fileContent must be fs.ReadStream instead of undefined",
            },
        ),
        (
            storage_cloud.downloadFile({}),
            {"errCode": -1, "errMsg": "parameter.fileID should be string instead of undefined;"},
        ),
        (
            storage_cloud.getTempFileURL({"fileList": "x"}),
            {"errCode": -1, "errMsg": "parameter.fileList should be array instead of string;"},
        ),
        (
            storage_cloud.getTempFileURL(),
            {
                "errCode": -1,
                "errMsg": "getTempFileURL:fail undefined . Params for getTempFileURL must be an object instead of undefined",
            },
        ),
        (
            storage_cloud.uploadFile("x"),
            {"errCode": -1, "errMsg": "parameter should be object instead of string; "},
        ),
        (
            storage_cloud.getTempFileURL([]),
            {"errCode": -1, "errMsg": "parameter should be object instead of array; "},
        ),
        (
            storage_cloud.deleteFile(0),
            {
                "errCode": -1,
                "errMsg": "deleteFile:fail undefined . Params for deleteFile must be an object instead of number",
            },
        ),
        (
            storage_cloud.deleteFile({"fileList": [1]}),
            {"errCode": -1, "errMsg": "deleteFile:fail Type of fileList[0] must be string instead of number"},
        ),
        (
            storage_cloud.getTempFileURL({"fileList": [{"fileID": "x"}]}),
            {
                "code": "INVALID_PARAM",
                "requestId": "",
                "errCode": -1,
                "errMsg": "getTempFileURL:fail fileList 的元素如果是对象，必须是包含 fileID 和 maxAge 的对象",
            },
        ),
        (
            storage_cloud.deleteFile({"fileList": []}),
            {
                "code": "INVALID_PARAM",
                "requestId": "",
                "errCode": -1,
                "errMsg": "deleteFile:fail fileid_list: must be a non-empty array",
            },
        ),
        (
            storage_cloud.getTempFileURL({"fileList": [missing_id()] * 51}),
            {
                "code": "INVALID_PARAM",
                "requestId": "",
                "errCode": -1,
                "errMsg": "getTempFileURL:fail file_list: 51 files, at most 50 per request. Fix: split it",
            },
        ),
    ]
    for call, expected in cases:
        with pytest.raises(CloudSDKError) as caught:
            await call
        assert caught.value.to_json() == expected
    assert storage_requests(emulator) == []


async def test_missing_and_foreign_files(storage_cloud: Cloud, emulator: RunningEmulator) -> None:
    foreign = file_id(OTHER_ENV, "a.txt")
    links = await storage_cloud.getTempFileURL({"fileList": [missing_id(), foreign, "not-an-id"]})
    assert [(f["status"], f["errMsg"], f["tempFileURL"]) for f in links["fileList"]] == [
        (-503003, "storage file not exists", ""),
        (-503002, "storage permission denied", ""),
        (-501007, "invalid parameters", ""),
    ]
    with pytest.raises(StorageSDKError) as caught:
        await storage_cloud.downloadFile({"fileID": missing_id()})
    assert (caught.value.code, caught.value.errMsg) == (
        "STORAGE_FILE_NONEXIST",
        "downloadFile:fail storage file not exist",
    )
    with pytest.raises(StorageSDKError) as caught:
        await storage_cloud.downloadFile({"fileID": foreign})
    assert caught.value.code == "STORAGE_EXCEED_AUTHORITY"
    assert f"belongs to environment {OTHER_ENV}, not {ENV}" in caught.value.errMsg
    deleted = await storage_cloud.deleteFile({"fileList": [foreign]})
    assert deleted["fileList"] == [
        {"fileID": foreign, "status": -503002, "errMsg": "storage permission denied"}
    ]


async def test_an_expired_link_fails_the_download(
    storage_cloud: Cloud, emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    uploaded = await storage_cloud.uploadFile({"cloudPath": "short.txt", "fileContent": b"soon gone"})
    link = (await storage_cloud.getTempFileURL({"fileList": [{"fileID": uploaded["fileID"], "maxAge": 30}]}))[
        "fileList"
    ][0]
    emulator.state.clock.advance(29)
    async with http.get(link["tempFileURL"]) as response:
        assert response.status == 200
    emulator.state.clock.advance(2)
    async with http.get(link["tempFileURL"]) as response:
        assert response.status == 403
        assert "<Message>Request has expired</Message>" in await response.text()


async def test_no_environment_is_a_clear_error(emulator: RunningEmulator) -> None:
    import cloudfn

    async with cloudfn.init(base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret) as bare:
        with pytest.raises(StorageSDKError) as caught:
            await bare.uploadFile({"cloudPath": "a.txt", "fileContent": b"x"})
    assert "TCB_ENV" in str(caught.value)
    assert storage_requests(emulator) == []


async def test_unreachable_platform_names_the_setting() -> None:
    import cloudfn

    async with cloudfn.init(
        env=ENV, base_url="http://127.0.0.1:9", appid="wx1", secret="s", retry={"attempts": 1}
    ) as storage_cloud:
        with pytest.raises(CloudSDKError) as caught:
            await storage_cloud.getTempFileURL({"fileList": [missing_id()]})
    assert caught.value.errCode == -1
    assert caught.value.errMsg.startswith("getTempFileURL:fail network error")


async def test_an_iterator_that_yields_text_fails_cleanly(
    storage_cloud: Cloud, emulator: RunningEmulator
) -> None:
    def parts() -> Iterator[object]:
        yield b"fine,"
        yield "not bytes"

    with pytest.raises(StorageSDKError) as caught:
        await storage_cloud.uploadFile({"cloudPath": "half.txt", "fileContent": parts()})
    assert caught.value.code == "INVALID_PARAM"
    assert "gave a str, not bytes" in str(caught.value)
    assert emulator.state.storage.snapshot() == {}
    # The emulator still answers the next upload.
    await storage_cloud.uploadFile({"cloudPath": "half.txt", "fileContent": b"whole"})
    assert emulator.state.storage.files.read(ENV, "half.txt") == b"whole"
