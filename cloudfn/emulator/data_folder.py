"""A data folder: the emulator's database and storage as files, read in and written out.

One format, for every way of starting from data (``cloudfn emulator --import``,
``invoke``/``serve``/``parity --import``, the pytest fixture, the control API)::

    DIR/database/<collection>.jsonl   one document per line, MongoDB extended JSON
    DIR/storage/<cloud path>          each file as it is
    DIR/emulator.json                 optional: an arrangement (users, stubs, subscriptions, ...)

Reading checks the whole folder before anything is loaded (:func:`read_folder`), so bad
data is refused with nothing changed. What it returns, a :class:`DataSnapshot`, holds the
documents already parsed and pickled: :func:`restore` unpickles them (a C-speed deep copy,
no JSON parsing again), which is what makes restoring before every parity event cheap.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bson import json_util
from bson.int64 import Int64
from bson.json_util import JSONMode, JSONOptions

from ..database import ejson
from ..storage.paths import path_violation
from .database.actions import COLLECTION_NAME
from .storage.models import env_violation

if TYPE_CHECKING:
    from .database.models import EnvDatabase
    from .state import EmulatorState

DATABASE = "database"
STORAGE = "storage"
ARRANGEMENT = "emulator.json"
SUFFIX = ".jsonl"
# The environment data goes to when none is named: the one `cloudfn invoke`/`serve` and
# the pytest fixture run functions in.
DEFAULT_ENV = "local"

# Written relaxed, as the cloud console exports lines ({"$date": "2026-...Z"}, plain numbers);
# Int64 is kept explicit ({"$numberLong"}) so it does not come back as a plain int.
_WRITE = JSONOptions(json_mode=JSONMode.RELAXED, tz_aware=True)


class DataFolderError(ValueError):
    """A data folder that cannot be loaded: the file (and line), the rule broken, the fix."""


@dataclass(frozen=True)
class DataSnapshot:
    """A read, checked data folder, ready to restore any number of times."""

    # {collection: [document, ...]} pickled: restored by unpickling, never re-parsed.
    database: bytes
    files: dict[str, bytes]
    arrangement: dict[str, Any] | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return sum(self.counts.values())


@contextlib.contextmanager
def _bulk_load() -> Iterator[None]:
    """The cycle collector paused while documents are built: they hold no cycles, and its passes
    over a heap growing by tens of thousands of containers cost more than building them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _folder(path: str | os.PathLike[str]) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise DataFolderError(
            f"{folder}: no such directory. Fix: pass a data folder holding database/, storage/ "
            "and/or emulator.json (see docs/data.md)"
        )
    return folder


def _read_collection(file: Path, shown: str) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    with open(file, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                document = ejson.loads(line)
            except (ValueError, TypeError, RecursionError) as exc:
                raise DataFolderError(
                    f"{shown} line {number}: not extended JSON ({exc}). Fix: one JSON object per line, "
                    'dates as {"$date": "2026-11-01T08:00:00.000Z"}'
                ) from None
            if not isinstance(document, dict):
                raise DataFolderError(
                    f"{shown} line {number}: a document must be a JSON object, got "
                    f"{type(document).__name__}. Fix: one object per line"
                )
            if "_id" not in document:
                raise DataFolderError(
                    f'{shown} line {number}: the document has no _id. Fix: give it one, e.g. "_id": "a1" '
                    "(the cloud console's export keeps every _id)"
                )
            doc_id = document["_id"]
            try:
                first = seen.setdefault(doc_id, number)
            except TypeError:
                raise DataFolderError(
                    f"{shown} line {number}: _id must be a string or a number, got {type(doc_id).__name__}. "
                    "Fix: use a string id"
                ) from None
            if first != number:
                raise DataFolderError(
                    f"{shown} line {number}: duplicate _id {doc_id!r} (first on line {first}). "
                    "Fix: give each document its own _id"
                )
            documents.append(document)
    return documents


def _storage_files(root: Path) -> Iterator[tuple[str, Path]]:
    for file in sorted(root.rglob("*")):
        cloud_path = file.relative_to(root).as_posix()
        if file.is_symlink():
            raise DataFolderError(
                f"storage/{cloud_path}: a symbolic link; files are imported as they are, not followed. "
                "Fix: copy the file itself into storage/"
            )
        if file.is_dir():
            continue
        if not file.is_file():
            raise DataFolderError(f"storage/{cloud_path}: not a regular file. Fix: remove it")
        problem = path_violation(cloud_path)
        if problem:
            raise DataFolderError(f"storage/{cloud_path}: {problem}")
        yield cloud_path, file


def _read_database(database: Path, shown_dir: str) -> dict[str, list[dict[str, Any]]]:
    """``<collection>.jsonl`` files of ``database`` (none if it does not exist), checked."""
    collections: dict[str, list[dict[str, Any]]] = {}
    if not database.exists():
        return collections
    if not database.is_dir():
        raise DataFolderError(f"{database}: must be a directory of <collection>{SUFFIX} files")
    for file in sorted(database.iterdir()):
        shown = f"{shown_dir}/{file.name}"
        if not file.is_file() or file.suffix != SUFFIX:
            raise DataFolderError(
                f"{shown}: not a <collection>{SUFFIX} file. Fix: one {SUFFIX} file per collection "
                f"in {shown_dir}/, nothing else"
            )
        name = file.name[: -len(SUFFIX)]
        if not COLLECTION_NAME.match(name):
            raise DataFolderError(
                f"{shown}: {name!r} is not a collection name the platform accepts (letters, digits, "
                "'_' and '-', starting with a letter or digit, at most 64 characters). Fix: rename the file"
            )
        with _bulk_load():
            collections[name] = _read_collection(file, shown)
    return collections


def _write_database(database: EnvDatabase, target: Path) -> int:
    """Each collection of ``database`` as ``target/<collection>.jsonl``; the number of documents."""
    documents = 0
    target.mkdir(parents=True, exist_ok=True)
    for name in sorted(database.collections):
        lines = [document_line(d) + "\n" for d in database.documents(name)]
        (target / f"{name}{SUFFIX}").write_text("".join(lines), encoding="utf-8")
        documents += len(lines)
    return documents


def _put_documents(state: EmulatorState, env: str, collections: dict[str, list[dict[str, Any]]]) -> None:
    database = state.database.env(env)
    for name, documents in collections.items():
        stored = database.create(name).documents
        stored.clear()
        for document in documents:
            stored[document["_id"]] = document


def read_folder(path: str | os.PathLike[str]) -> DataSnapshot:
    """Read and check a data folder; raises :class:`DataFolderError` naming the first problem."""
    folder = _folder(path)
    unknown = sorted(p.name for p in folder.iterdir() if p.name not in (DATABASE, STORAGE, ARRANGEMENT))
    if unknown:
        raise DataFolderError(
            f"{folder}: unknown entries {', '.join(unknown)}. Fix: a data folder holds only "
            f"{DATABASE}/ ({{collection}}{SUFFIX}), {STORAGE}/ (files by cloud path) and {ARRANGEMENT}"
        )
    collections = _read_database(folder / DATABASE, DATABASE)
    files: dict[str, bytes] = {}
    storage = folder / STORAGE
    if storage.exists():
        if not storage.is_dir() or storage.is_symlink():
            raise DataFolderError(f"{storage}: must be a directory of files by cloud path")
        files = {cloud_path: file.read_bytes() for cloud_path, file in _storage_files(storage)}
    arrangement = None
    arrangement_file = folder / ARRANGEMENT
    if arrangement_file.exists():
        try:
            arrangement = json.loads(arrangement_file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise DataFolderError(f"{ARRANGEMENT}: not JSON ({exc}). Fix: a JSON object") from None
        if not isinstance(arrangement, dict):
            raise DataFolderError(
                f'{ARRANGEMENT}: must be a JSON object, e.g. {{"users": ["oUser1"]}}. Fix: wrap it in {{}}'
            )
    return DataSnapshot(
        database=pickle.dumps(collections, protocol=pickle.HIGHEST_PROTOCOL),
        files=files,
        arrangement=arrangement,
        counts={name: len(documents) for name, documents in collections.items()},
    )


def check_env(env: str) -> None:
    problem = env_violation(env)
    if problem:
        raise DataFolderError(problem)


def restore(state: EmulatorState, snapshot: DataSnapshot, env: str = DEFAULT_ENV) -> None:
    """Put the snapshot's data into ``env``, over what is there (callers reset first for a clean start).

    The arrangement is checked by applying it first: a bad one raises before any data moves.
    """
    check_env(env)
    if snapshot.arrangement is not None:
        try:
            state.arrange(snapshot.arrangement)
        except ValueError as exc:
            raise DataFolderError(f"{ARRANGEMENT}: {exc}") from None
    with _bulk_load():
        collections: dict[str, list[dict[str, Any]]] = pickle.loads(snapshot.database)
    _put_documents(state, env, collections)
    for cloud_path, content in snapshot.files.items():
        state.storage.files.put(env, cloud_path, content)


def _explicit_int64(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _explicit_int64(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_explicit_int64(v) for v in value]
    if isinstance(value, Int64):
        return {"$numberLong": str(int(value))}
    return value


def document_line(document: dict[str, Any]) -> str:
    """One document as an export line: relaxed extended JSON, Int64 kept explicit."""
    return json_util.dumps(
        _explicit_int64(document), json_options=_WRITE, ensure_ascii=False, separators=(",", ":")
    )


def export_folder(
    state: EmulatorState,
    path: str | os.PathLike[str],
    env: str = DEFAULT_ENV,
    arrangement: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Write ``env``'s database and storage as a data folder at ``path`` (replacing its data)."""
    check_env(env)
    folder = Path(path)
    store = state.storage.files.root
    if store is not None:
        where, kept = folder.resolve(), store.resolve()
        if where.is_relative_to(kept) or kept.is_relative_to(where):
            raise DataFolderError(
                f"{folder}: holds or is inside the emulator's own storage ({kept}); exporting there would "
                "overwrite the files being exported. Fix: export to a folder of its own, e.g. 'export'"
            )
    folder.mkdir(parents=True, exist_ok=True)
    for part in (DATABASE, STORAGE):
        shutil.rmtree(folder / part, ignore_errors=True)
    (folder / ARRANGEMENT).unlink(missing_ok=True)
    database = state.database.envs.get(env)
    documents = 0
    if database is not None and database.collections:
        documents = _write_database(database, folder / DATABASE)
    stored = state.storage.files.files(env)
    for file in stored:
        target = folder / STORAGE / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            for chunk in state.storage.files.chunks(env, file.path):
                handle.write(chunk)
    if arrangement is not None:
        (folder / ARRANGEMENT).write_text(json.dumps(arrangement, ensure_ascii=False, indent=2) + "\n")
    return {
        "collections": len(database.collections) if database is not None else 0,
        "documents": documents,
        "files": len(stored),
    }


def load_kept_database(state: EmulatorState, root: str | os.PathLike[str]) -> int:
    """The databases ``keep_database`` wrote under ``root`` (``database/<env>/<collection>.jsonl``).

    ``cloudfn emulator --data DIR`` starts from them, as storage starts from
    ``DIR/storage``; checked whole first, so bad data loads nothing. Returns the
    number of documents.
    """
    kept = Path(root) / DATABASE
    if not kept.is_dir():
        return 0
    by_env: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for env_dir in sorted(kept.iterdir()):
        check_env(env_dir.name)
        by_env[env_dir.name] = _read_database(env_dir, f"{DATABASE}/{env_dir.name}")
    for env, collections in by_env.items():
        _put_documents(state, env, collections)
    return sum(len(documents) for collections in by_env.values() for documents in collections.values())


def keep_database(state: EmulatorState, root: str | os.PathLike[str]) -> int:
    """Every environment's database under ``root/database/<env>/`` (what ``--data DIR`` keeps at exit)."""
    kept = Path(root) / DATABASE
    shutil.rmtree(kept, ignore_errors=True)
    return sum(_write_database(database, kept / env) for env, database in sorted(state.database.envs.items()))


__all__ = [
    "DEFAULT_ENV",
    "DataFolderError",
    "DataSnapshot",
    "document_line",
    "export_folder",
    "keep_database",
    "load_kept_database",
    "read_folder",
    "restore",
]
