"""``cloud://`` file IDs: ``cloud://<env>.<bucket>/<cloud path>``.

The bucket of an environment is named ``<hex of the env's first two characters>-<env>-<account id>``
(``cloud://test2-4a89da.7465-test2-4a89da-1258717764/A.png``: ``7465`` is ``te``). The
emulator forms IDs the same way, with a fixed account id, so a file ID names its
environment and its path and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEME = "cloud://"
# The emulator's stand-in for the Tencent Cloud account id that ends a bucket name.
EMULATOR_ACCOUNT_ID = "1300000000"


def bucket_name(env: str, account_id: str = EMULATOR_ACCOUNT_ID) -> str:
    return f"{env[:2].encode().hex()}-{env}-{account_id}"


@dataclass(frozen=True)
class FileRef:
    """A file ID taken apart."""

    env: str
    bucket: str
    path: str

    @property
    def file_id(self) -> str:
        return f"{SCHEME}{self.env}.{self.bucket}/{self.path}"


def file_id(env: str, path: str, account_id: str = EMULATOR_ACCOUNT_ID) -> str:
    return FileRef(env, bucket_name(env, account_id), path).file_id


class BadFileID(ValueError):
    """Not a ``cloud://<env>.<bucket>/<path>`` ID; the message names the rule broken."""


def parse_file_id(value: str) -> FileRef:
    if not value.startswith(SCHEME):
        raise BadFileID(
            f"fileID {value!r} does not start with cloud://. Fix: pass the fileID uploadFile returned "
            "(cloud://<env>.<bucket>/<path>)"
        )
    rest = value[len(SCHEME) :]
    host, slash, path = rest.partition("/")
    env, dot, bucket = host.partition(".")
    if not slash or not dot or not env or not bucket or not path:
        raise BadFileID(
            f"fileID {value!r} is not cloud://<env>.<bucket>/<path>. Fix: pass the fileID uploadFile returned"
        )
    return FileRef(env, bucket, path)


__all__ = ["EMULATOR_ACCOUNT_ID", "SCHEME", "BadFileID", "FileRef", "bucket_name", "file_id", "parse_file_id"]
