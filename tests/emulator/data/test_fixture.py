"""The pytest fixture: a data folder per test, by marker or by call, restored at every reset."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudfn.emulator.data_folder import DataFolderError
from cloudfn.pytest_plugin import WxEmulator

SAMPLE = Path(__file__).parent / "sample"


def titles(wx_emulator: WxEmulator) -> list[str]:
    envs = wx_emulator._running.state.database.envs
    return sorted(d["title"] for d in envs["local"].documents("posts")) if "local" in envs else []


@pytest.mark.cloudfn_data(SAMPLE)
def test_the_marker_starts_the_test_from_the_folder(wx_emulator: WxEmulator) -> None:
    assert titles(wx_emulator) == ["first", "second"]
    state = wx_emulator.state()
    assert state["storage"] == {
        "local": {
            "notes/hello.txt": {
                "size": 6,
                "sha256": "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
            }
        }
    }
    assert "oImported" in state["apps"][wx_emulator.appid]["users"]
    wx_emulator._running.state.database.envs["local"].collections["posts"].documents.clear()
    wx_emulator.reset()
    assert titles(wx_emulator) == ["first", "second"]


def test_without_the_marker_a_test_starts_empty(wx_emulator: WxEmulator) -> None:
    assert titles(wx_emulator) == []
    assert wx_emulator.state()["storage"] == {}


def test_import_data_in_a_test_and_export_it(wx_emulator: WxEmulator, tmp_path: Path) -> None:
    wx_emulator.import_data(SAMPLE)
    assert titles(wx_emulator) == ["first", "second"]
    counts = wx_emulator.export_data(tmp_path / "out")
    assert counts == {"collections": 1, "documents": 2, "files": 1}
    assert (tmp_path / "out" / "storage" / "notes" / "hello.txt").read_bytes() == b"hello\n"
    assert (tmp_path / "out" / "emulator.json").is_file()


def test_a_bad_folder_raises_and_loads_nothing(wx_emulator: WxEmulator, tmp_path: Path) -> None:
    (tmp_path / "database").mkdir()
    (tmp_path / "database" / "posts.jsonl").write_text('{"_id": "a"}\nnot json\n')
    with pytest.raises(DataFolderError, match=r"database/posts\.jsonl line 2"):
        wx_emulator.import_data(tmp_path)
    assert titles(wx_emulator) == []
