"""Files by cloud path, per environment: the emulator's storage, plain Python, no HTTP.

A file is written through :meth:`FileStore.begin` in chunks and becomes visible only on
:meth:`PendingFile.commit`, so an upload that fails half way leaves nothing behind. Files
live in memory or, given a directory, on disk as ``<root>/<env>/<cloud path>``, written to
a temporary file first and moved into place. In memory a file is kept as the chunks it
arrived in: growing one buffer would copy it on reallocation and briefly hold it twice.

Everything a snapshot, an export or an import needs is here: :meth:`FileStore.files` lists
``(env, path)`` with size, :meth:`FileStore.digest` gives one's SHA-256 (computed when first
asked, not while the upload streams: hashing cost more than the rest of a 10 MB upload),
:meth:`FileStore.chunks` reads one back,
:meth:`FileStore.put` writes one from bytes.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...storage.paths import path_violation

READ_CHUNK = 256 * 1024
_UPLOADS = ".uploads"  # in-progress uploads under the root, never listed as files


_ENV = re.compile(r"^[a-z0-9_-]{1,40}$")


def env_violation(env: object) -> str | None:
    """Why ``env`` is not an environment id (lower-case letters, digits, ``-``, ``_``; 1-40), or None."""
    if isinstance(env, str) and _ENV.match(env):
        return None
    return (
        f"env {env!r} is not an environment id: 1 to 40 of a-z 0-9 - _. Fix: cloud.init(env=...) "
        "or TCB_ENV with the id of the environment, e.g. 'prod-1a2b3c'"
    )


@dataclass(frozen=True)
class StoredFile:
    env: str
    path: str
    size: int
    stored_at: float


def _kept(chunk: bytes | bytearray | memoryview) -> bytes | memoryview:
    """The chunk as stored in memory: a view of immutable bytes as it is (no copy), else a copy."""
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, memoryview) and isinstance(chunk.obj, bytes):
        return chunk
    return bytes(chunk)


class PendingFile:
    """One file being written; nothing is visible until :meth:`commit`."""

    def __init__(self, store: FileStore, env: str, path: str) -> None:
        self._store = store
        self.env = env
        self.path = path
        self.size = 0
        self._done = False
        self._spool: Path | None = None
        self._handle: Any = None
        self._parts: list[bytes | memoryview] | None = None
        if store.root is None:
            self._parts = []
        else:
            uploads = store.root / _UPLOADS
            uploads.mkdir(parents=True, exist_ok=True)
            self._spool = uploads / secrets.token_hex(8)
            self._handle = open(self._spool, "wb")  # noqa: SIM115 - closed in commit/abort

    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        if not len(chunk):
            return
        if self._parts is not None:
            self._parts.append(_kept(chunk))
        else:
            self._handle.write(chunk)
        self.size += memoryview(chunk).nbytes

    def commit(self) -> StoredFile:
        if self._done:
            raise RuntimeError("file already committed or aborted")
        self._done = True
        stored = StoredFile(self.env, self.path, self.size, self._store.clock())
        if self._parts is not None:
            self._store._blobs[(self.env, self.path)] = self._parts
        else:
            self._handle.close()
            assert self._spool is not None
            target = self._store.disk_path(self.env, self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._spool, target)
        self._store._index[(self.env, self.path)] = stored
        self._store._digests.pop((self.env, self.path), None)
        return stored

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        self._parts = None
        if self._handle is not None:
            self._handle.close()
            assert self._spool is not None
            self._spool.unlink(missing_ok=True)


@dataclass
class FileStore:
    """Every environment's files. ``root`` None keeps them in memory."""

    root: Path | None = None
    clock: Callable[[], float] = field(default=lambda: 0.0, repr=False)
    _index: dict[tuple[str, str], StoredFile] = field(default_factory=dict, repr=False)
    _blobs: dict[tuple[str, str], list[bytes | memoryview]] = field(default_factory=dict, repr=False)
    _digests: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
            self._load_disk()

    def disk_path(self, env: str, path: str) -> Path:
        assert self.root is not None
        return self.root / env / path

    def _load_disk(self) -> None:
        """Index the files a previous run left under the root."""
        assert self.root is not None
        shutil.rmtree(self.root / _UPLOADS, ignore_errors=True)
        for env_dir in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name != _UPLOADS):
            for file in sorted(p for p in env_dir.rglob("*") if p.is_file()):
                path = file.relative_to(env_dir).as_posix()
                info = file.stat()
                self._index[(env_dir.name, path)] = StoredFile(
                    env_dir.name, path, info.st_size, info.st_mtime
                )

    def begin(self, env: str, path: str) -> PendingFile:
        # The channels check first and answer the caller; this keeps any other writer
        # (an import, a test) from putting a file outside its environment's folder.
        problem = env_violation(env) or path_violation(path)
        if problem:
            raise ValueError(problem)
        return PendingFile(self, env, path)

    def put(self, env: str, path: str, data: bytes) -> StoredFile:
        pending = self.begin(env, path)
        pending.write(data)
        return pending.commit()

    def get(self, env: str, path: str) -> StoredFile | None:
        return self._index.get((env, path))

    def chunks(self, env: str, path: str, size: int = READ_CHUNK) -> Iterator[bytes | memoryview]:
        """The file's content in pieces (an in-memory file's own chunks, not copies)."""
        if (env, path) not in self._index:
            raise KeyError((env, path))
        parts = self._blobs.get((env, path))
        if parts is not None:
            yield from parts
            return
        with open(self.disk_path(env, path), "rb") as handle:
            while chunk := handle.read(size):
                yield chunk

    def read(self, env: str, path: str) -> bytes:
        return b"".join(self.chunks(env, path))

    def digest(self, env: str, path: str) -> str:
        """The file's SHA-256 (hex), computed on first use and kept until the file changes."""
        known = self._digests.get((env, path))
        if known is None:
            hasher = hashlib.sha256()
            for chunk in self.chunks(env, path):
                hasher.update(chunk)
            known = self._digests[(env, path)] = hasher.hexdigest()
        return known

    def delete(self, env: str, path: str) -> bool:
        self._digests.pop((env, path), None)
        if self._index.pop((env, path), None) is None:
            return False
        if self._blobs.pop((env, path), None) is None and self.root is not None:
            self.disk_path(env, path).unlink(missing_ok=True)
        return True

    def files(self, env: str | None = None) -> list[StoredFile]:
        return sorted(
            (f for f in self._index.values() if env is None or f.env == env), key=lambda f: (f.env, f.path)
        )

    def clear(self) -> None:
        for stored in list(self._index.values()):
            self.delete(stored.env, stored.path)

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``{env: {path: {"size", "sha256"}}}``: what is stored, comparable between runs."""
        view: dict[str, dict[str, dict[str, Any]]] = {}
        for stored in self.files():
            view.setdefault(stored.env, {})[stored.path] = {
                "size": stored.size,
                "sha256": self.digest(stored.env, stored.path),
            }
        return view


__all__ = ["FileStore", "PendingFile", "StoredFile", "env_violation"]
