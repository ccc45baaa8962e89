"""Helpers of the data folder tests: sample lines and files, and a folder writer."""

from __future__ import annotations

from pathlib import Path

# Lines as the cloud console exports them, and the values bson reads from them: a date, an
# int, a float that is whole, an Int64, a Decimal128, nested objects and arrays, a number _id.
POSTS = [
    '{"_id":"a1","title":"héllo","createdAt":{"$date":"2026-11-01T08:00:00.000Z"},"likes":3,'
    '"score":2.0,"big":{"$numberLong":"9007199254740993"},"price":{"$numberDecimal":"19.99"},'
    '"meta":{"tags":["x","y"],"deep":{"n":null,"ok":true,"ratio":0.25}}}',
    '{"_id":"a2","title":"second","createdAt":{"$date":{"$numberLong":"-1000"}},"likes":-7,'
    '"score":{"$numberDouble":"Infinity"},"items":[{"k":1},{"k":2.5}]}',
    '{"_id":42,"title":"number id","when":{"$date":"1999-12-31T23:59:59.999Z"}}',
]
USERS = ['{"_id":"oA","name":"Ann"}']
FILES = {
    "images/a.png": bytes(range(256)) * 40,
    "docs/说明.txt": "中文内容\n".encode(),
    "empty.bin": b"",
    "deep/er/still/x.json": b'{"a": 1}\n',
}


def write_folder(root: Path, collections: dict[str, list[str]], files: dict[str, bytes]) -> Path:
    (root / "database").mkdir(parents=True, exist_ok=True)
    for name, lines in collections.items():
        (root / "database" / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path, content in files.items():
        target = root / "storage" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return root
