"""The pytest plugin's fixtures reach storage as users get them: ``cloud`` and ``invoke``."""

from __future__ import annotations

from typing import Any

from tests.support.storage import STORAGE_EXAMPLE


def test_the_plugin_cloud_uploads_and_reads(cloud: Any, wx_emulator: Any) -> None:
    saved = cloud.sync.uploadFile({"cloudPath": "plugin/a.txt", "fileContent": b"from a test"})
    assert saved["fileID"] == "cloud://local.6c6f-local-1300000000/plugin/a.txt"
    assert cloud.sync.downloadFile({"fileID": saved["fileID"]})["fileContent"] == b"from a test"
    assert wx_emulator.state()["storage"]["local"]["plugin/a.txt"]["size"] == 11


def test_invoke_runs_a_function_that_uses_storage(invoke: Any, wx_emulator: Any) -> None:
    result = invoke(STORAGE_EXAMPLE, {"cloudPath": "n/x.txt", "text": "note", "steps": ["save", "read"]})
    assert result.error is None, result.error
    assert result.result["read"]["text"] == "note"
    assert list(wx_emulator.state()["storage"]["local"]) == ["n/x.txt"]
