"""The platform's three storage operations on the model, whichever channel asked.

``/admin`` (the Node SDK's actions) and WeChat's HTTPS paths differ only in how they spell
requests and answers (see :mod:`.admin` and :mod:`.https`); what a request does is here.
Failures are the platform's codes (``INVALID_PARAM``, ``STORAGE_FILE_NONEXIST``, ...): a
whole request fails with :class:`StorageError`, one file of a batch with its own code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ...storage.fileid import BadFileID, bucket_name, file_id, parse_file_id
from ...storage.limits import DEFAULT_MAX_AGE_S, MAX_BATCH
from ...storage.paths import path_violation
from .links import Links
from .models import FileStore, env_violation

COS_PREFIX = "/__cos__"  # where the emulator's object store answers
# Characters left as they are in an upload URL's path (everything a cloud path may hold in ASCII).
_URL_SAFE = "/!-_.*'()"

# The platform's codes, with the numbers the Node SDK maps them to (its TCB_ERR_CODE).
TCB_CODES: dict[str, int] = {
    "SUCCESS": 0,
    "SYS_ERR": -501001,
    "INVALID_PARAM": -501007,
    "STORAGE_REQUEST_FAIL": -503001,
    "STORAGE_EXCEED_AUTHORITY": -503002,
    "STORAGE_FILE_NONEXIST": -503003,
}


class StorageError(Exception):
    """The whole request is refused: a platform code and a message naming field, rule and fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Storage:
    """The storage namespace of the emulator: files plus the links handed out for them."""

    files: FileStore
    links: Links

    def reset(self) -> None:
        self.files.clear()
        self.links.clear()

    def snapshot(self) -> dict[str, Any]:
        return self.files.snapshot()


@dataclass(frozen=True)
class FileOutcome:
    """One file of a batch: its ID as given, the platform's code and, on success, its link."""

    file_id: str
    code: str = "SUCCESS"
    message: str = ""
    url: str = ""
    max_age: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def require_env(env: object) -> str:
    problem = env_violation(env)
    if problem:
        raise StorageError("INVALID_PARAM", problem)
    assert isinstance(env, str)
    return env


def object_url(origin: str, env: str, path: str, *, encoded: bool) -> str:
    """The emulator's object-store URL of a file; ``encoded`` percent-encodes non-ASCII.

    Upload URLs are sent as they are, so they are encoded; temporary URLs keep the path's
    text as the platform's do (the Node SDK runs ``encodeURI`` on them before fetching).
    """
    shown = quote(path, safe=_URL_SAFE) if encoded else path
    return f"{origin}{COS_PREFIX}/{bucket_name(env)}/{shown}"


def upload_metadata(storage: Storage, env: object, path: object, origin: str) -> dict[str, str]:
    """A ticket to upload one file: the URL to send it to and the fields that authorise it."""
    env = require_env(env)
    problem = path_violation(path)
    if problem:
        raise StorageError("INVALID_PARAM", f"path: {problem}")
    assert isinstance(path, str)
    token, grant = storage.links.upload_ticket(env, path)
    now = int(storage.links.clock())
    signature = hashlib.sha1(f"{token}:{path}".encode()).hexdigest()
    return {
        "url": object_url(origin, env, path, encoded=True),
        "token": token,
        "authorization": (
            f"q-sign-algorithm=sha1&q-ak=AKIDcloudfnemulator&q-sign-time={now};{int(grant.expires_at)}"
            f"&q-key-time={now};{int(grant.expires_at)}&q-header-list=&q-url-param-list=&q-signature={signature}"
        ),
        "file_id": file_id(env, path),
        "cos_file_id": secrets.token_urlsafe(24),
        "download_url": object_url(origin, env, path, encoded=False),
    }


def _resolve(env: str, value: object) -> tuple[str, FileOutcome | None]:
    """The path a file ID names in ``env``, or the failed outcome saying why not."""
    if not isinstance(value, str) or not value:
        shown = value if isinstance(value, str) else repr(value)
        return "", FileOutcome(str(shown), "INVALID_PARAM", "fileID: must be a non-empty string")
    try:
        ref = parse_file_id(value)
    except BadFileID as exc:
        return "", FileOutcome(value, "INVALID_PARAM", str(exc))
    if ref.env != env or ref.bucket != bucket_name(env):
        return "", FileOutcome(
            value,
            "STORAGE_EXCEED_AUTHORITY",
            f"fileID {value} belongs to environment {ref.env}, not {env}. Fix: call from that "
            "environment (cloud.init(env=...)) or use a file of this one",
        )
    return ref.path, None


def _batch(values: object, field_name: str) -> list[Any]:
    if not isinstance(values, list) or not values:
        raise StorageError("INVALID_PARAM", f"{field_name}: must be a non-empty array")
    if len(values) > MAX_BATCH:
        raise StorageError(
            "INVALID_PARAM",
            f"{field_name}: {len(values)} files, at most {MAX_BATCH} per request. Fix: split it",
        )
    return values


def download_urls(storage: Storage, env: object, entries: object, origin: str) -> list[FileOutcome]:
    """Temporary URLs; ``entries`` are ``{"fileid", "max_age"?}`` objects."""
    env = require_env(env)
    outcomes: list[FileOutcome] = []
    for i, entry in enumerate(_batch(entries, "file_list")):
        if not isinstance(entry, dict):
            raise StorageError("INVALID_PARAM", f"file_list[{i}]: must be an object with fileid")
        max_age = entry.get("max_age")
        if max_age is None:
            max_age = DEFAULT_MAX_AGE_S
        if isinstance(max_age, bool) or not isinstance(max_age, int | float) or max_age <= 0:
            raise StorageError(
                "INVALID_PARAM",
                f"file_list[{i}].max_age: seconds the link lives, a number > 0, got {max_age!r}",
            )
        path, failed = _resolve(env, entry.get("fileid"))
        if failed is None and storage.files.get(env, path) is None:
            failed = FileOutcome(entry["fileid"], "STORAGE_FILE_NONEXIST", "storage file not exist")
        if failed is not None:
            outcomes.append(FileOutcome(failed.file_id, failed.code, failed.message, max_age=max_age))
            continue
        sign, grant = storage.links.download_sign(env, path, max_age)
        url = f"{object_url(origin, env, path, encoded=False)}?sign={sign}&t={int(grant.expires_at)}"
        outcomes.append(FileOutcome(entry["fileid"], url=url, max_age=max_age))
    return outcomes


def delete_files(storage: Storage, env: object, ids: object) -> list[FileOutcome]:
    env = require_env(env)
    outcomes: list[FileOutcome] = []
    for value in _batch(ids, "fileid_list"):
        path, failed = _resolve(env, value)
        if failed is None and not storage.files.delete(env, path):
            failed = FileOutcome(str(value), "STORAGE_FILE_NONEXIST", "storage file not exist")
        outcomes.append(failed or FileOutcome(str(value)))
    return outcomes


__all__ = [
    "COS_PREFIX",
    "MAX_BATCH",
    "TCB_CODES",
    "FileOutcome",
    "Storage",
    "StorageError",
    "delete_files",
    "download_urls",
    "object_url",
    "upload_metadata",
]
