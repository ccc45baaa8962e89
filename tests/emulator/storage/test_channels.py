"""The emulator's storage over HTTP: the /admin actions, the HTTPS APIs, the object-store URLs,
and bad input of every kind answered with a clear 4xx (never 5xx), nothing written."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from cloudfn.emulator.server import RunningEmulator, run_emulator
from cloudfn.emulator.state import EmulatorState
from cloudfn.emulator.storage.models import FileStore
from cloudfn.storage.fileid import file_id
from tests.support.storage import ENV


async def admin(
    http: aiohttp.ClientSession, emulator: RunningEmulator, body: dict[str, Any]
) -> dict[str, Any]:
    async with http.post(f"{emulator.base_url}/admin?env={ENV}&seqId=1", json=body) as response:
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        return answer


async def ticket(http: aiohttp.ClientSession, emulator: RunningEmulator, path: str) -> dict[str, Any]:
    answer = await admin(
        http, emulator, {"action": "storage.getUploadMetadata", "path": path, "envName": ENV}
    )
    data: dict[str, Any] = answer["data"]
    return data


async def test_node_sdk_upload_flow(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    data = await ticket(http, emulator, "dir/中文.txt")
    assert list(data) == ["url", "token", "authorization", "fileId", "cosFileId", "download_url"]
    assert data["fileId"] == file_id(ENV, "dir/中文.txt")
    assert data["url"].startswith(emulator.base_url + "/__cos__/")
    assert "%E4%B8%AD" in data["url"]  # sent as is by the Node SDK, so already encoded
    headers = {"x-cos-security-token": data["token"], "authorization": data["authorization"]}
    async with http.put(data["url"], data=b"body", headers=headers) as response:
        assert (response.status, await response.text()) == (200, "")
    assert emulator.state.storage.files.read(ENV, "dir/中文.txt") == b"body"
    logged = [r.action for r in emulator.state.requests if r.action]
    assert logged == ["storage.getUploadMetadata", "putObject"]


async def test_upload_needs_its_ticket(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    data = await ticket(http, emulator, "a.txt")
    other = await ticket(http, emulator, "b.txt")
    for headers, url in [
        ({}, data["url"]),  # no ticket
        ({"x-cos-security-token": "forged"}, data["url"]),
        ({"x-cos-security-token": other["token"]}, data["url"]),  # another path's ticket
    ]:
        async with http.put(url, data=b"x", headers=headers) as response:
            assert response.status == 403
            assert "<Code>AccessDenied</Code>" in await response.text()
    emulator.state.clock.advance(901)
    async with http.put(data["url"], data=b"x", headers={"x-cos-security-token": data["token"]}) as response:
        assert response.status == 403
        assert "Request has expired" in await response.text()
    assert emulator.state.storage.snapshot() == {}


async def test_a_broken_upload_leaves_nothing(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    data = await ticket(http, emulator, "broken.bin")
    url = URL(data["url"])
    _reader, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(
        f"PUT {url.raw_path} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\nx-cos-security-token: {data['token']}\r\n"
        "Content-Length: 1000000\r\n\r\n".encode()
        + b"only a little"
    )
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(0.05)
    assert emulator.state.storage.snapshot() == {}
    # One broken request never breaks the next.
    async with http.put(data["url"], data=b"ok", headers={"x-cos-security-token": data["token"]}) as response:
        assert response.status == 200
    assert emulator.state.storage.files.read(ENV, "broken.bin") == b"ok"


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"action": "storage.getUploadMetadata", "path": "../up.txt"}, "INVALID_PARAM", "'..'"),
        ({"action": "storage.getUploadMetadata", "path": ""}, "INVALID_PARAM", "cloudPath is empty"),
        ({"action": "storage.getUploadMetadata"}, "INVALID_PARAM", "must be a string"),
        ({"action": "storage.batchGetDownloadUrl", "file_list": "x"}, "INVALID_PARAM", "file_list"),
        (
            {"action": "storage.batchGetDownloadUrl", "file_list": [{"fileid": "x", "max_age": -1}]},
            "INVALID_PARAM",
            "max_age",
        ),
        ({"action": "storage.batchDeleteFile", "fileid_list": []}, "INVALID_PARAM", "non-empty"),
        (
            {"action": "storage.getUploadMetadata", "path": "a", "envName": "Bad Env!"},
            "INVALID_PARAM",
            "environment id",
        ),
        ({"action": "storage.copyFile"}, "INVALID_PARAM", "got 'storage.copyFile'"),
    ],
)
async def test_admin_refusals(
    emulator: RunningEmulator, http: aiohttp.ClientSession, body: dict[str, Any], code: str, words: str
) -> None:
    answer = await admin(http, emulator, {"envName": ENV, **body})
    assert answer["code"] == code
    assert words in answer["message"]
    assert emulator.state.storage.snapshot() == {}


async def test_admin_garbage_is_a_clear_4xx_or_platform_error(
    emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emulator.base_url}/admin?env={ENV}&seqId=1"
    for data in (b"{not json", b"[1, 2]"):
        async with http.post(url, data=data, headers={"Content-Type": "application/json"}) as response:
            assert response.status == 200
            assert (await response.json())["code"] == "INVALID_PARAM"
    cos = f"{emulator.base_url}/__cos__/bucket/key"
    async with http.post(cos, data=b"plain") as response:
        assert response.status == 400
    async with http.get(cos) as response:
        assert response.status == 403


async def test_https_storage_apis(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    async with http.get(
        f"{emulator.base_url}/cgi-bin/token",
        params={"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret},
    ) as response:
        token = (await response.json())["access_token"]

    async def call(path: str, body: Any) -> dict[str, Any]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        async with http.post(f"{emulator.base_url}{path}?access_token={token}", data=data) as response:
            assert response.status == 200
            answer: dict[str, Any] = await response.json()
            return answer

    upload = await call("/tcb/uploadfile", {"env": ENV, "path": "h/x.txt"})
    assert (upload["errcode"], upload["file_id"]) == (0, file_id(ENV, "h/x.txt"))
    form = aiohttp.FormData()
    for name, value in [
        ("key", "h/x.txt"),
        ("Signature", upload["authorization"]),
        ("x-cos-security-token", upload["token"]),
        ("x-cos-meta-fileid", upload["cos_file_id"]),
    ]:
        form.add_field(name, value)
    form.add_field("file", b"form body", filename="x.txt")
    async with http.post(upload["url"], data=form) as response:
        assert response.status == 204
    links = await call(
        "/tcb/batchdownloadfile", {"env": ENV, "file_list": [{"fileid": upload["file_id"], "max_age": 60}]}
    )
    assert [(f["fileid"], f["status"], f["errmsg"]) for f in links["file_list"]] == [
        (upload["file_id"], 0, "ok")
    ]
    async with http.get(links["file_list"][0]["download_url"]) as response:
        assert await response.read() == b"form body"
    deleted = await call(
        "/tcb/batchdeletefile", {"env": ENV, "fileid_list": [upload["file_id"], upload["file_id"]]}
    )
    assert [(f["status"], f["errmsg"]) for f in deleted["delete_list"]] == [
        (0, "ok"),
        (-503003, "storage file not exist"),
    ]

    assert (await call("/tcb/uploadfile", {"path": "a"}))["errcode"] == 40101
    bad = await call("/tcb/uploadfile", {"env": ENV, "path": "a/../b"})
    assert bad["errcode"] == 40097 and "'..'" in bad["errmsg"]
    assert (await call("/tcb/batchdeletefile", b"not json"))["errcode"] == 47001
    async with http.post(f"{emulator.base_url}/tcb/uploadfile", json={"env": ENV, "path": "a"}) as response:
        assert (await response.json())["errcode"] == 41001
    assert emulator.state.storage.snapshot() == {}


async def test_form_key_must_match_the_ticket(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    data = await ticket(http, emulator, "k.txt")
    form = aiohttp.FormData()
    form.add_field("key", "other.txt")
    form.add_field("x-cos-security-token", data["token"])
    form.add_field("file", b"x", filename="k.txt")
    async with http.post(data["url"], data=form) as response:
        assert response.status == 400
        assert "key" in await response.text()
    assert emulator.state.storage.snapshot() == {}


async def test_reset_empties_storage(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    emulator.state.storage.files.put(ENV, "a.txt", b"x")
    async with http.post(f"{emulator.base_url}/__emulator__/reset") as response:
        assert response.status == 200
    async with http.get(f"{emulator.base_url}/__emulator__/state") as response:
        assert (await response.json())["storage"] == {}


async def test_files_on_disk_survive_a_restart(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    async with run_emulator(state=EmulatorState(data_dir=tmp_path)) as emulator:
        data = await ticket(http, emulator, "keep/me.txt")
        async with http.put(
            data["url"], data=b"kept", headers={"x-cos-security-token": data["token"]}
        ) as response:
            assert response.status == 200
    assert (tmp_path / "storage" / ENV / "keep" / "me.txt").read_bytes() == b"kept"
    assert not list((tmp_path / "storage" / ".uploads").iterdir())
    async with run_emulator(state=EmulatorState(data_dir=tmp_path)) as emulator:
        assert emulator.state.storage.files.read(ENV, "keep/me.txt") == b"kept"
        link = await admin(
            http,
            emulator,
            {
                "action": "storage.batchGetDownloadUrl",
                "envName": ENV,
                "file_list": [{"fileid": file_id(ENV, "keep/me.txt")}],
            },
        )
        async with http.get(link["data"]["download_list"][0]["tempFileURL"]) as response:
            assert await response.read() == b"kept"


def test_the_model_refuses_paths_outside_an_environment(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    for env, path in [(ENV, "../escape.txt"), ("../up", "a.txt"), (ENV, "/abs")]:
        with pytest.raises(ValueError):
            store.begin(env, path)
    assert list(tmp_path.rglob("*.txt")) == []


class _Reads:
    """A stream that hands its bytes out in the given pieces (as TCP reads might)."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    async def iter_any(self) -> Any:
        for piece in self.pieces:
            yield piece


async def test_the_file_part_ends_at_its_boundary_however_the_reads_fall() -> None:
    from cloudfn.emulator.storage.cos import _copy_file_part

    boundary = b"b0undary"
    content = b"--\r\n-x\r\n--b0und" * 3  # holds near-misses of the delimiter
    body = content + b"\r\n--" + boundary + b"--\r\n"
    store = FileStore()
    for first in range(len(body) + 1):
        for second in range(first, len(body) + 1, 7):
            pending = store.begin(ENV, "p.bin")
            pieces = [body[:first], body[first:second], body[second:]]
            assert await _copy_file_part(_Reads(pieces), boundary, pending)  # type: ignore[arg-type]
            assert pending.commit().size == len(content)
            assert store.read(ENV, "p.bin") == content
    unfinished = store.begin(ENV, "q.bin")
    assert not await _copy_file_part(_Reads([content]), boundary, unfinished)  # type: ignore[arg-type]


async def test_an_oversized_form_field_is_refused(
    emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    data = await ticket(http, emulator, "f.txt")
    form = aiohttp.FormData()
    form.add_field("key", "f.txt")
    form.add_field("Signature", "s" * 100_000)
    form.add_field("file", b"x", filename="f.txt")
    async with http.post(data["url"], data=form) as response:
        assert response.status == 400
        assert "Signature: a form field longer than 8192 bytes" in await response.text()
    assert emulator.state.storage.snapshot() == {}


async def test_head_of_a_temporary_url(emulator: RunningEmulator, http: aiohttp.ClientSession) -> None:
    emulator.state.storage.files.put(ENV, "h.json", b"{}")
    link = await admin(
        http,
        emulator,
        {
            "action": "storage.batchGetDownloadUrl",
            "envName": ENV,
            "file_list": [{"fileid": file_id(ENV, "h.json")}],
        },
    )
    async with http.head(link["data"]["download_list"][0]["tempFileURL"]) as response:
        assert (response.status, response.headers["Content-Length"]) == (200, "2")
        assert response.headers["Content-Type"].startswith("application/json")


JUNK: list[Any] = [
    None,
    1,
    "x",
    [],
    {},
    {"path": ["a"]},
    {"path": "a" * 2000},
    {"file_list": [None, 1, "x", {"fileid": {"a": 1}}, {"fileid": "cloud://x.y/z", "max_age": "1"}]},
    {"fileid_list": [None, {}, 3, "cloud://", "cloud://a.b/"]},
    {"env": 5, "path": "a"},
    {"envName": ["e"], "path": "a"},
]


async def test_junk_never_gets_a_5xx_and_writes_nothing(
    emulator: RunningEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        f"{emulator.base_url}/cgi-bin/token",
        params={"grant_type": "client_credential", "appid": emulator.appid, "secret": emulator.secret},
    ) as response:
        token = (await response.json())["access_token"]
    for action in ("storage.getUploadMetadata", "storage.batchGetDownloadUrl", "storage.batchDeleteFile"):
        for junk in JUNK:
            body = {"action": action, **junk} if isinstance(junk, dict) else {"action": action, "path": junk}
            async with http.post(f"{emulator.base_url}/admin?env={ENV}", json=body) as response:
                assert response.status < 500, (action, junk)
    for path in ("/tcb/uploadfile", "/tcb/batchdownloadfile", "/tcb/batchdeletefile"):
        for junk in JUNK:
            body = {"env": ENV, **junk} if isinstance(junk, dict) else junk
            async with http.post(f"{emulator.base_url}{path}?access_token={token}", json=body) as response:
                assert response.status < 500, (path, junk)
                assert "errcode" in await response.json(), (path, junk)
    for method in ("PUT", "POST", "GET", "DELETE"):
        async with http.request(method, f"{emulator.base_url}/__cos__/b/k?sign=x", data=b"junk") as response:
            assert response.status < 500, method
    assert emulator.state.storage.snapshot() == {}
