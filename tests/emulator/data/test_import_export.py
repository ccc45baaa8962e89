"""Import and export over the control API: the round trip, reset back to the data, bad data refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from bson import json_util
from bson.decimal128 import Decimal128
from bson.int64 import Int64

from cloudfn.emulator.server import RunningEmulator
from tests.support.data_folder import FILES, POSTS, USERS, write_folder

CONTROL = "/__emulator__"


def typed(value: Any) -> Any:
    """A value with the type of every part spelled out, so 2 and 2.0 and Int64(2) differ."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def stored(emulator: RunningEmulator, env: str = "local") -> dict[str, list[Any]]:
    database = emulator.state.database.envs[env]
    return {name: typed(database.documents(name)) for name in sorted(database.collections)}


def stored_files(emulator: RunningEmulator, env: str = "local") -> dict[str, bytes]:
    files = emulator.state.storage.files
    return {f.path: files.read(env, f.path) for f in files.files(env)}


async def post_import(http: aiohttp.ClientSession, emulator: RunningEmulator, body: dict[str, Any]) -> Any:
    async with http.post(f"{emulator.base_url}{CONTROL}/import", json=body) as response:
        return response.status, await response.json()


async def test_import_loads_every_value_with_its_type(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    status, answer = await post_import(http, data_emulator, {"dir": "seed"})
    assert (status, answer) == (200, {"ok": True, "env": "local", "documents": 4, "files": 4})
    posts = {d["_id"]: d for d in data_emulator.state.database.envs["local"].documents("posts")}
    first = posts["a1"]
    assert first["createdAt"] == dt.datetime(2026, 11, 1, 8, tzinfo=dt.UTC)
    assert type(first["likes"]) is int and type(first["score"]) is float
    assert type(first["big"]) is Int64 and first["big"] == 9007199254740993
    assert first["price"] == Decimal128("19.99")
    assert first["meta"] == {"tags": ["x", "y"], "deep": {"n": None, "ok": True, "ratio": 0.25}}
    assert posts["a2"]["createdAt"] == dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert 42 in posts
    assert stored_files(data_emulator) == FILES


async def test_export_then_import_gives_the_same_database_and_storage(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path, data_root: Path
) -> None:
    await post_import(http, data_emulator, {"dir": "seed"})
    before_docs, before_files = stored(data_emulator), stored_files(data_emulator)
    async with http.get(f"{data_emulator.base_url}{CONTROL}/export", params={"dir": "out"}) as response:
        assert response.status == 200
        assert await response.json() == {
            "ok": True,
            "dir": str((data_root / "out").resolve()),
            "collections": 2,
            "documents": 4,
            "files": 4,
        }
    out = data_root / "out"
    # Files byte for byte; documents value for value, the exported lines read as the originals.
    for path, content in FILES.items():
        assert (out / "storage" / path).read_bytes() == content
    for name, lines in (("posts", POSTS), ("users", USERS)):
        exported = (out / "database" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert typed([json_util.loads(x) for x in exported]) == typed([json_util.loads(x) for x in lines])
    # And imported again, after the state was changed and reset away: the same as before.
    data_emulator.state.imported = None
    data_emulator.state.reset()
    assert data_emulator.state.database.envs == {}
    status, _ = await post_import(http, data_emulator, {"dir": "out"})
    assert status == 200
    assert stored(data_emulator) == before_docs
    assert stored_files(data_emulator) == before_files


async def test_reset_goes_back_to_the_imported_data(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    await post_import(http, data_emulator, {"dir": "seed"})
    before_docs, before_files = stored(data_emulator), stored_files(data_emulator)
    state = data_emulator.state
    state.database.envs["local"].collections["posts"].documents["a1"]["likes"] = 1000
    state.database.envs["local"].collections["posts"].documents.pop("a2")
    state.storage.files.delete("local", "images/a.png")
    state.storage.files.put("local", "new.txt", b"new")
    async with http.post(f"{data_emulator.base_url}{CONTROL}/reset") as response:
        assert response.status == 200
    assert stored(data_emulator) == before_docs
    assert stored_files(data_emulator) == before_files


async def test_import_into_a_named_environment(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    status, answer = await post_import(http, data_emulator, {"dir": "seed", "env": "prod-1a2b"})
    assert status == 200 and answer["env"] == "prod-1a2b"
    assert set(data_emulator.state.database.envs) == {"prod-1a2b"}
    assert stored_files(data_emulator, "prod-1a2b") == FILES


BAD_FOLDERS: dict[str, tuple[dict[str, list[str]], dict[str, bytes], str]] = {
    "not json": (
        {"posts": ['{"_id":"a1"}', '{"_id": "a2", oops}']},
        {},
        "database/posts.jsonl line 2: not extended JSON",
    ),
    "no _id": (
        {"posts": ['{"_id":"a1"}', "", '{"title":"x"}']},
        {},
        "database/posts.jsonl line 3: the document has no _id",
    ),
    "duplicate _id": (
        {"posts": ['{"_id":"a1"}', '{"_id":"a2"}', '{"_id":"a1","x":1}']},
        {},
        "database/posts.jsonl line 3: duplicate _id 'a1' (first on line 1)",
    ),
    "not an object": (
        {"posts": ["[1,2]"]},
        {},
        "database/posts.jsonl line 1: a document must be a JSON object",
    ),
    "collection name": (
        {"_hidden": ['{"_id":"a1"}']},
        {},
        "database/_hidden.jsonl: '_hidden' is not a collection name",
    ),
    "collection name too long": (
        {"x" * 65: ['{"_id":"a1"}']},
        {},
        "is not a collection name the platform accepts",
    ),
    "storage path": ({}, {"bad name?.txt": b"x"}, "storage/bad name?.txt: cloudPath 'bad name?.txt' holds"),
}


@pytest.mark.parametrize("case", sorted(BAD_FOLDERS))
async def test_bad_data_is_refused_whole_and_changes_nothing(
    case: str, data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path, data_root: Path
) -> None:
    await post_import(http, data_emulator, {"dir": "seed"})
    before_docs, before_files = stored(data_emulator), stored_files(data_emulator)
    collections, files, message = BAD_FOLDERS[case]
    # The good collection comes first: a refusal must not load it half way.
    write_folder(data_root / "bad", {"aaa": ['{"_id":"ok"}'], **collections}, {"a-good.txt": b"g", **files})
    status, answer = await post_import(http, data_emulator, {"dir": "bad"})
    assert status == 400
    assert message in answer["error"]
    assert answer["error"].startswith("import refused, nothing loaded: ")
    assert stored(data_emulator) == before_docs
    assert stored_files(data_emulator) == before_files
    # Reset still goes back to the earlier, good import.
    data_emulator.state.reset()
    assert stored(data_emulator) == before_docs


async def test_a_symlink_in_storage_is_refused(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, data_root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the emulator")
    folder = write_folder(data_root / "bad", {}, {"a.txt": b"a"})
    (folder / "storage" / "leak.txt").symlink_to(secret)
    status, answer = await post_import(http, data_emulator, {"dir": "bad"})
    assert status == 400
    assert "storage/leak.txt: a symbolic link" in answer["error"]
    assert stored_files(data_emulator) == {}


async def test_unknown_files_are_named(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    (sample / "notes.txt").write_text("x")
    (sample / "database" / "posts.json").write_text("{}")
    status, answer = await post_import(http, data_emulator, {"dir": "seed"})
    assert status == 400 and "unknown entries notes.txt" in answer["error"]
    (sample / "notes.txt").unlink()
    status, answer = await post_import(http, data_emulator, {"dir": "seed"})
    assert status == 400 and "database/posts.json: not a <collection>.jsonl file" in answer["error"]
    assert data_emulator.state.database.envs == {}


@pytest.mark.parametrize("folder", ["../outside", "/etc", "seed/../../x"])
async def test_folders_outside_the_data_directory_are_refused(
    folder: str, data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    status, answer = await post_import(http, data_emulator, {"dir": folder})
    assert status == 400
    assert "leads outside the emulator's data directory" in answer["error"]
    async with http.get(f"{data_emulator.base_url}{CONTROL}/export", params={"dir": folder}) as response:
        assert response.status == 400
    assert data_emulator.state.database.envs == {}


async def test_bad_import_requests_get_4xx_and_the_next_request_works(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    for body in ({}, {"dir": 3}, {"dir": "missing"}, {"dir": "seed", "env": "Bad Env"}):
        status, answer = await post_import(http, data_emulator, body)
        assert status == 400, body
        assert "Fix:" in answer["error"]
    status, _ = await post_import(http, data_emulator, {"dir": "seed"})
    assert status == 200


async def test_the_control_api_refuses_another_origin(
    data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    async with http.post(
        f"{data_emulator.base_url}{CONTROL}/import",
        json={"dir": "seed"},
        headers={"Origin": "https://evil.example"},
    ) as response:
        assert response.status == 403
    assert data_emulator.state.database.envs == {}


@pytest.mark.parametrize("folder", [".", "storage", "storage/local/x"])
async def test_export_never_writes_over_the_emulators_own_storage(
    folder: str, data_emulator: RunningEmulator, http: aiohttp.ClientSession, sample: Path
) -> None:
    await post_import(http, data_emulator, {"dir": "seed"})
    async with http.get(f"{data_emulator.base_url}{CONTROL}/export", params={"dir": folder}) as response:
        assert response.status == 400
        assert "the emulator's own storage" in (await response.json())["error"]
    assert stored_files(data_emulator) == FILES
