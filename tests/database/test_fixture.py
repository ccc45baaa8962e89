"""A database function under the pytest fixture: cloudfn's `invoke` reaches the fixture emulator's database."""

from __future__ import annotations

from typing import Any

from .conftest import NODE_EXAMPLE


def test_invoke_fixture_runs_a_database_function(invoke: Any, wx_emulator: Any) -> None:
    created = invoke(NODE_EXAMPLE, {"action": "createBoard", "name": "messages"})
    assert created.result["errMsg"] == "createCollection:ok"
    posted = invoke(NODE_EXAMPLE, {"action": "post", "text": "hi"}, openid="oTester")
    assert posted.error is None, posted.error
    assert posted.result["saved"]["author"] == "oTester"
    assert posted.result["saved"]["createdAt"].endswith("Z")  # a date, written as Node writes one
    stored = [d for env in wx_emulator.raw_state.database.envs.values() for d in env.documents("messages")]
    assert [d["text"] for d in stored] == ["hi"]
