"""The unmodified Node example (wx-server-sdk 4.0.2) and its Python port, proven equal by parity,
and parity's storage comparison shown to catch a port that stores something else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cloudfn.parity import format_table, run_parity
from tests.support.storage import STORAGE_EVENTS, STORAGE_EXAMPLE, ensure_storage_node_modules

EXAMPLE = STORAGE_EXAMPLE
EVENTS = STORAGE_EVENTS


@pytest.fixture(scope="module", autouse=True)
def example_node_modules() -> None:
    ensure_storage_node_modules()


@pytest.mark.parametrize("transport", ["https", "tcb"])
async def test_the_storage_port_matches_its_original(transport: str) -> None:
    report = await run_parity(EXAMPLE, EXAMPLE, EVENTS, transport=transport)
    assert report.ok, format_table(report)
    by_name = {v.case.name: v for v in report.verdicts}
    read = json.loads(by_name["save, read back"].node)
    assert read["read"] == {"text": "一本书", "statusCode": 200, "errMsg": "downloadFile:ok"}
    linked = json.loads(by_name["save, then link to it"].python)["link"]["fileList"][0]
    assert "/__cos__/" in linked["tempFileURL"] and linked["maxAge"] == 86400
    code = json.loads(by_name["a mini program code, kept and linked"].node)["saveQRCode"]
    assert code["contentType"] == "image/png" and code["size"] > 0
    refused = json.loads(by_name["a path with .."].node)
    assert refused["code"] == "INVALID_PARAM" and refused["errMsg"].startswith(
        "uploadFile:fail path: cloudPath"
    )


async def test_parity_sees_a_port_that_stores_other_bytes(tmp_path: Path) -> None:
    port = tmp_path / "port"
    port.mkdir()
    shutil.copy(EXAMPLE / "config.json", port / "config.json")
    source = (EXAMPLE / "index.py").read_text(encoding="utf-8")
    assert '(event.get("text") or "").encode()' in source
    (port / "index.py").write_text(
        source.replace('(event.get("text") or "").encode()', '(event.get("text") or "").upper().encode()'),
        encoding="utf-8",
    )
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps({"name": "save", "event": {"cloudPath": "n/a.txt", "text": "abc"}}) + "\n")
    report = await run_parity(EXAMPLE, port, events)
    (verdict,) = report.verdicts
    assert not verdict.same
    assert any(diff.startswith("storage:") for diff in verdict.diffs), verdict.diffs
