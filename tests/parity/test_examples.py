"""The cloud-call examples: each Node original beside its port, starting every event from emulator.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cloudfn.parity import ParityError, format_table, run_parity
from tests.support.node import ensure_node_modules
from tests.support.paths import ROOT
from tests.support.qr import decode_qr

EXAMPLES = ROOT / "examples"


def example_copy(tmp_path: Path, name: str) -> Path:
    """The example without its own node_modules (the seed's pinned SDK stands in: same version)."""
    copy = tmp_path / name
    shutil.copytree(EXAMPLES / name, copy, ignore=shutil.ignore_patterns("node_modules"))
    (copy / "node_modules").symlink_to(ensure_node_modules(), target_is_directory=True)
    return copy


async def test_subscribe_message_depends_on_the_arranged_subscription(tmp_path: Path) -> None:
    directory = example_copy(tmp_path, "subscribe_message")
    report = await run_parity(directory, directory, directory / "events.jsonl")
    assert report.ok, format_table(report)
    by_name = {v.case.name: v for v in report.verdicts}
    assert by_name["subscribed: sent"].node.startswith('{"sent":true')
    assert '"errCode":43101' in by_name["no subscription: 43101"].node
    # Without the arrangement nobody is subscribed: the first event is refused too.
    (directory / "emulator.json").unlink()
    bare = await run_parity(directory, directory, directory / "events.jsonl")
    assert '"errCode":40003' in bare.verdicts[0].node  # not even a user of the app


async def test_content_check_passes_and_flags_the_arranged_words(tmp_path: Path) -> None:
    directory = example_copy(tmp_path, "content_check")
    report = await run_parity(directory, directory, directory / "events.jsonl")
    assert report.ok, format_table(report)
    texts = [json.loads(v.node) for v in report.verdicts]
    assert [t["publish"] for t in texts] == [True, False, False, True, False, False]
    assert texts[2]["label"] == 20012 and texts[4]["errCode"] == 87014


async def test_qr_code_is_the_same_image_byte_for_byte_and_decodes_to_the_page(tmp_path: Path) -> None:
    directory = example_copy(tmp_path, "qr_code")
    report = await run_parity(directory, directory, directory / "events.jsonl")
    assert report.ok, format_table(report)
    first = json.loads(report.verdicts[0].python)
    assert first["buffer"]["type"] == "Buffer" and first["contentType"] == "image/png"
    image = bytes(first["buffer"]["data"])
    assert image == bytes(json.loads(report.verdicts[0].node)["buffer"]["data"])
    assert decode_qr(image) == ["pages/goods/detail?scene=id=G20261129"]


async def test_two_different_arrangements_are_refused(tmp_path: Path) -> None:
    node_dir = example_copy(tmp_path, "qr_code")
    py_dir = tmp_path / "port"
    shutil.copytree(EXAMPLES / "qr_code", py_dir, ignore=shutil.ignore_patterns("node_modules"))
    (py_dir / "emulator.json").write_text('{"wxacode": {"pages": ["pages/other"]}}', encoding="utf-8")
    with pytest.raises(ParityError) as info:
        await run_parity(node_dir, py_dir, py_dir / "events.jsonl")
    assert "two different arrangements" in str(info.value)
    (node_dir / "emulator.json").write_text('{"wxacode": {}, "colour": 1}', encoding="utf-8")
    with pytest.raises(ParityError) as info:
        await run_parity(node_dir, node_dir, node_dir / "events.jsonl")
    assert "emulator.json: colour: not an arrangeable namespace" in str(info.value)
