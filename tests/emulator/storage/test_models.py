"""The storage model on its own: digests follow the content, files on disk come back on restart."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cloudfn.emulator.storage.models import FileStore

ENV = "model-env"


@pytest.mark.parametrize("on_disk", [False, True])
def test_digest_follows_the_content(tmp_path: Path, on_disk: bool) -> None:
    store = FileStore(tmp_path if on_disk else None)
    store.put(ENV, "a/b.txt", b"first")
    assert store.digest(ENV, "a/b.txt") == hashlib.sha256(b"first").hexdigest()
    pending = store.begin(ENV, "a/b.txt")
    for part in (b"sec", bytearray(b"o"), memoryview(b"nd")):
        pending.write(part)
    pending.commit()
    assert store.read(ENV, "a/b.txt") == b"second"
    assert store.snapshot() == {
        ENV: {"a/b.txt": {"size": 6, "sha256": hashlib.sha256(b"second").hexdigest()}}
    }
    assert store.delete(ENV, "a/b.txt") and not store.delete(ENV, "a/b.txt")
    assert store.snapshot() == {}


def test_an_aborted_file_leaves_nothing(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    pending = store.begin(ENV, "half.bin")
    pending.write(b"x" * 1000)
    pending.abort()
    assert store.files() == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_restart_finds_the_files_on_disk(tmp_path: Path) -> None:
    FileStore(tmp_path).put(ENV, "dir/中文.txt", b"kept")
    again = FileStore(tmp_path)
    assert [(f.env, f.path, f.size) for f in again.files()] == [(ENV, "dir/中文.txt", 4)]
    assert again.digest(ENV, "dir/中文.txt") == hashlib.sha256(b"kept").hexdigest()
