"""The pure rules shared by client and emulator: cloud paths and cloud:// file IDs."""

from __future__ import annotations

import pytest

from cloudfn.storage.fileid import BadFileID, bucket_name, file_id, parse_file_id
from cloudfn.storage.paths import path_violation


def test_file_ids_round_trip() -> None:
    assert bucket_name("test2-4a89da", "1258717764") == "7465-test2-4a89da-1258717764"
    value = file_id("prod-1", "a/b/中文.png")
    assert value == "cloud://prod-1.7072-prod-1-1300000000/a/b/中文.png"
    ref = parse_file_id(value)
    assert (ref.env, ref.bucket, ref.path, ref.file_id) == (
        "prod-1",
        "7072-prod-1-1300000000",
        "a/b/中文.png",
        value,
    )


@pytest.mark.parametrize(
    "value", ["", "http://x/y", "cloud://", "cloud://env/path", "cloud://env.bucket", "cloud://.b/p"]
)
def test_bad_file_ids(value: str) -> None:
    with pytest.raises(BadFileID, match="Fix:"):
        parse_file_id(value)


@pytest.mark.parametrize("path", ["a.png", "qr/2026/x_y-z.png", "中文/图.jpg", "a!b*c'(d).txt", "x" * 850])
def test_good_paths(path: str) -> None:
    assert path_violation(path) is None


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/a",
        "a/",
        "a//b",
        "./a",
        "a/./b",
        "..",
        "a/..",
        "a\\b",
        "a?b",
        "a#b",
        "a%20b",
        "a\nb",
        "x" * 851,
        None,
        3,
    ],
)
def test_bad_paths(path: object) -> None:
    problem = path_violation(path)
    assert problem is not None and "Fix:" in problem
